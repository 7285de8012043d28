import { sql } from 'kysely';
import { readModelWriterContract } from '@dossier/core/testing';
import { postgresKysely, sqliteKysely } from '../testing-db';
import { kyselyReadModelWriter } from './kysely-writer';

readModelWriterContract('kysely on SQLite (in this process)', {
  placeholders: 'question',
  async open() {
    const t = sqliteKysely();
    await sql`create table t (k text primary key, v integer not null)`.execute(t.db);
    const other = t.another();
    return {
      writer: kyselyReadModelWriter(t.db, 'sqlite'),
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

readModelWriterContract('kysely on PostgreSQL', {
  placeholders: 'dollar',
  async open() {
    const t = await postgresKysely();
    if (!t) return undefined;
    await sql`create table t (k text primary key, v integer not null)`.execute(t.db);
    const other = t.another();
    return {
      writer: kyselyReadModelWriter(t.db, 'postgres'),
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
