import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { commandHandler, fixedClock, inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import { aCreateArchive, aLogContact, anActor } from '@dossier/core/testing';
import { sqliteReadModelWriter } from '@dossier/sqlite';
import { allReadModels, archiveDetail } from './read-models';
import { projectionRunner } from './runner';
import { cleanSqliteBuild, sqliteKysely, sqliteSnapshot } from './testing-db';

/** Archives with contacts, transactions and tier changes: every page touches rows the pages before it wrote. */
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
      // transactions add up in an archive's state: a state folded from a stale read would miss one
      await ok({
        type: 'RecordTransaction',
        commandId: `tx-${id}-${k}`,
        archiveId: id,
        actor: mm,
        transactionId: `t${k}`,
        number: `HT-${n}-${k}`,
        occurredAt: '2026-03-01T00:00:00.000Z',
        amount: { minor: 100 * (k + 1), currency: 'CNY' },
        personInCharge: 'mm-1',
        breachOfContract: false,
      });
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

      expect(await cleanSqliteBuild(store, clean.db, head)).toBe(true);
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

  it('with a cache too small for one batch, a state not cached is read as committed and is never older than the batches still committing wrote: the rows equal a clean build', async () => {
    // six archives, three events each a round, pages of eight: an archive comes back in the page after the
    // one that wrote it, while that one may still be committing
    const store = await history(6, 20);
    const head = await store.headPosition();
    const piped = sqliteKysely();
    const clean = sqliteKysely();
    const writer = sqliteReadModelWriter({ path: piped.path });
    const models = () => [
      archiveDetail({ cached: 1 }),
      ...allReadModels().filter((p) => p.name !== 'archive-detail'),
    ];
    // another connection, on a thread of its own, takes the write lock again and again: commits stay under
    // way while pages are folded
    const blocker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const db = new (require(workerData.driver))(workerData.path, { timeout: 10000 });
       const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
       let on = true;
       parentPort.on('message', () => { on = false; });
       const pulse = () => {
         if (!on) { db.close(); parentPort.close(); return; }
         db.exec('BEGIN IMMEDIATE'); pause(15); db.exec('COMMIT');
         setTimeout(pulse, 1);
       };
       pulse();`,
      { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path: piped.path } },
    );
    const stopPulses = async () => {
      blocker.postMessage('stop');
      await new Promise((r) => blocker.once('exit', r));
    };
    try {
      const runner = projectionRunner({
        store,
        db: piped.db,
        dialect: 'sqlite',
        projections: models(),
        batchSize: 8,
        catchUpBatchSize: 8,
        writer,
      });
      await runner.start();
      expect(await runner.waitFor(head, 30_000)).toBe(true);
      await runner.stop();
      const reference = projectionRunner({ store, db: clean.db, dialect: 'sqlite', projections: models() });
      await reference.start();
      expect(await reference.waitFor(head, 30_000)).toBe(true);
      await reference.stop();
      expect(await sqliteSnapshot(piped.db)).toEqual(await sqliteSnapshot(clean.db));
    } finally {
      await stopPulses();
      await writer.close();
      await piped.cleanup();
      await clean.cleanup();
    }
  }, 60_000);
});
