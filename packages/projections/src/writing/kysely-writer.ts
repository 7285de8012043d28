import type { Kysely } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import type { ReadModelWriter, SqlStatement } from '@dossier/core';
import { WriteExpectationFailed } from '@dossier/core';

/**
 * A `ReadModelWriter` over a kysely database, in this process: each commit is one transaction, and commits
 * run one after another in the order they were handed over (the next starts when the previous has settled).
 * On PostgreSQL the server does the work while this process goes on; the runner gives each read model a
 * writer of its own there, so their commits run side by side on the pool.
 */
export const kyselyReadModelWriter = (
  db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  dialect: 'sqlite' | 'postgres',
): ReadModelWriter => {
  let tail: Promise<unknown> = Promise.resolve();
  const run = (statements: readonly SqlStatement[]) =>
    db.transaction().execute(async (trx) => {
      // rows and checkpoints commit together, so a commit lost in a crash is applied again from the
      // checkpoint before it: read models need not wait for the WAL flush
      if (dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
      for (const s of statements) {
        const res = await trx.executeQuery(CompiledQuery.raw(s.sql, [...s.parameters]));
        if (s.expectChanges === undefined) continue;
        const changed = Number(res.numAffectedRows ?? 0n);
        if (changed !== s.expectChanges) throw new WriteExpectationFailed(s.sql, s.expectChanges, changed);
      }
    });
  return {
    commit(statements) {
      const done = tail.then(() => run(statements));
      tail = done.catch(() => undefined);
      return done;
    },
    async close() {
      await tail;
    },
  };
};
