import { sql } from 'kysely';
import { readModelWriterContract } from '@dossier/core/testing';
import { postgresKysely, sqliteKysely } from '../testing-db';
import { kyselyReadModelWriter } from './kysely-writer';

/** The contract's harness for a kysely writer on a fresh database (`open` is undefined when unreachable). */
const harness = (
  dialect: 'sqlite' | 'postgres',
  open: () => Promise<ReturnType<typeof sqliteKysely> | Awaited<ReturnType<typeof postgresKysely>>>,
) => ({
  placeholders: dialect === 'sqlite' ? ('question' as const) : ('dollar' as const),
  async open() {
    const t = await open();
    if (!t) return undefined;
    await sql`create table t (k text primary key, v integer not null)`.execute(t.db);
    const other = t.another();
    return {
      writer: kyselyReadModelWriter(t.db, dialect),
      rows: async () =>
        Object.fromEntries(
          (await other.selectFrom('t').selectAll().execute()).map((r) => [r.k, Number(r.v)]),
        ),
      async close() {
        await other.destroy();
        await t.cleanup();
      },
    };
  },
});

readModelWriterContract(
  'kysely on SQLite (in this process)',
  harness('sqlite', async () => sqliteKysely()),
);
readModelWriterContract('kysely on PostgreSQL', harness('postgres', postgresKysely));
