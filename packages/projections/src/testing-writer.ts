/* A read-model writer for the projection specs whose commits wait until the spec lets them through. */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';
import type { ReadModelWriter, SqlStatement } from '@dossier/core';
import { kyselyReadModelWriter } from './writing/kysely-writer';

/**
 * A writer over `db` whose commits wait, in the order handed over, until the spec lets them through: to hold
 * two runners' commits into an order that timing alone would seldom give. After `free`, none waits.
 */
export const gatedWriter = (db: Kysely<any>, dialect: 'sqlite' | 'postgres') => {
  const inner = kyselyReadModelWriter(db, dialect);
  const waiting: { statements: readonly SqlStatement[]; go: () => void; settled: Promise<unknown> }[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  let hold = true;
  const writer: ReadModelWriter = {
    commit(statements) {
      let go = () => {};
      const turn = hold ? new Promise<void>((resolve) => (go = resolve)) : Promise.resolve();
      const done = Promise.all([tail, turn]).then(() => inner.commit(statements));
      tail = done.catch(() => undefined);
      if (hold) waiting.push({ statements, go, settled: tail });
      return done;
    },
    close: () => inner.close(),
  };
  /** Let the first `n` commits waiting through, and wait until they have settled. */
  const pass = async (n: number) => {
    const through = waiting.splice(0, n);
    for (const w of through) w.go();
    await Promise.all(through.map((w) => w.settled));
  };
  return {
    writer,
    /** The commits waiting, oldest first. */
    waiting,
    pass,
    /** Let every commit through, those waiting and those to come, and wait until the waiting ones settled. */
    async free() {
      hold = false;
      await pass(waiting.length);
    },
  };
};
