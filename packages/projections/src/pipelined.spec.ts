import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { commandHandler, fixedClock, inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import { aCreateArchive, aLogContact, anActor } from '@dossier/core/testing';
import { sqliteReadModelWriter } from '@dossier/sqlite';
import { allReadModels } from './read-models';
import { projectionRunner } from './runner';
import { sqliteKysely, sqliteSnapshot } from './testing-db';

/** Archives with contacts and tier changes: every page touches rows the pages before it wrote. */
const history = async (archives: number, rounds: number) => {
  const clock = fixedClock('2026-03-02T02:00:00.000Z');
  const store = inMemoryEventStore(clock);
  const h = commandHandler({ store, keys: inMemoryKeyStore(), clock });
  const mm = anActor('marketing_manager', 'mm-1');
  const ok = async (c: unknown) => {
    const r = await h.execute(c);
    // a tier change to the tier the archive has is refused, and changes nothing here
    if (r._tag === 'Left' && JSON.stringify(r.left).indexOf('tier.unchanged') < 0)
      throw new Error(JSON.stringify(r.left));
  };
  const ids = Array.from({ length: archives }, () => randomUUID());
  for (const id of ids) await ok(aCreateArchive(id, { actor: mm }));
  for (let k = 0; k < rounds; k++)
    for (const [n, id] of ids.entries()) {
      await ok(aLogContact(id, `2026-02-0${1 + (k % 9)}T0${k % 9}:00:00.000Z`, { actor: mm }));
      await ok({
        type: 'ChangeTier',
        commandId: `t-${id}-${k}`,
        archiveId: id,
        actor: mm,
        to: (['A', 'B', 'C'] as const)[(n + k) % 3],
        reason: 'review',
      });
    }
  return store;
};

describe('projection runner with commits on a writer thread (issue #4 runner, pipelined)', () => {
  it('a commit that fails under way (the file locked past the busy timeout) is retried from the committed checkpoint: the rows equal a clean build', async () => {
    const store = await history(30, 8);
    const head = await store.headPosition();
    const piped = sqliteKysely();
    const clean = sqliteKysely();
    // another connection holds the write lock: the writer thread's first commits time out
    const blocker = new Database(piped.path);
    const failures: unknown[] = [];
    const writer = sqliteReadModelWriter({ path: piped.path, busyTimeoutMs: 20 });
    const runner = projectionRunner({
      store,
      db: piped.db,
      dialect: 'sqlite',
      projections: allReadModels(),
      batchSize: 16,
      pollMs: 20,
      writer,
      onFailure: (e) => failures.push(e),
    });
    try {
      await runner.start();
      blocker.exec('BEGIN IMMEDIATE');
      const deadline = Date.now() + 10_000;
      while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      blocker.exec('COMMIT');
      expect(String(failures[0])).toMatch(/locked|busy/i);
      expect(await runner.waitFor(head, 30_000)).toBe(true);
      await runner.stop();

      const reference = projectionRunner({
        store,
        db: clean.db,
        dialect: 'sqlite',
        projections: allReadModels(),
        batchSize: 500,
      });
      await reference.start();
      expect(await reference.waitFor(head, 30_000)).toBe(true);
      await reference.stop();
      const [a, b] = [await sqliteSnapshot(piped.db), await sqliteSnapshot(clean.db)];
      expect(Object.keys(a).length).toBeGreaterThanOrEqual(9);
      expect(a).toEqual(b);
    } finally {
      await runner.stop();
      await writer.close();
      blocker.close();
      await piped.cleanup();
      await clean.cleanup();
    }
  }, 60_000);
});
