import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { aCreateArchive, aLogContact, anActor } from '@dossier/core/testing';
import type { ReadModelWriter } from '@dossier/core';
import type { Projection } from './projection';
import { DEFERRED } from './projection';
import { archiveDetail, archiveList } from './read-models';
import { projectionRunner } from './runner';
import { commandLog, postgresKysely, sqliteKysely } from './testing-db';
import { kyselyReadModelWriter } from './writing/kysely-writer';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** One archive, then `contacts` contacts and `transactions` transactions, one command (one event) each. */
const history = async (contacts: number, transactions = 0) => {
  const { store, ok } = commandLog();
  const id = randomUUID();
  const mm = anActor('marketing_manager', 'mm-1');
  await ok(aCreateArchive(id));
  for (let n = 0; n < contacts; n++)
    await ok(aLogContact(id, new Date(Date.parse('2026-03-01T00:00:00.000Z') + n * 60_000).toISOString()));
  for (let n = 0; n < transactions; n++)
    await ok({
      type: 'RecordTransaction',
      commandId: `tx-${n}`,
      archiveId: id,
      actor: mm,
      transactionId: `t${n}`,
      number: `HT-${n}`,
      occurredAt: '2026-03-01T00:00:00.000Z',
      amount: { minor: 100 * (n + 1), currency: 'CNY' },
      personInCharge: 'mm-1',
      breachOfContract: false,
    });
  return { store, id, ok };
};

/** Records the size of every batch it is given. */
const batchSizes = (sizes: number[]): Projection => ({
  name: 'batch-sizes',
  version: 1,
  tables: [],
  async createTables() {},
  async applyBatch(_ctx, events) {
    sizes.push(events.length);
  },
});

const indexExists = async (db: Kysely<any>, dialect: 'sqlite' | 'postgres', name: string) =>
  dialect === 'sqlite'
    ? (
        await sql<{
          n: number;
        }>`select count(*) as n from sqlite_master where type = 'index' and name = ${name}`.execute(db)
      ).rows[0]!.n > 0
    : Number(
        (await sql<{ n: string }>`select count(*) as n from pg_indexes where indexname = ${name}`.execute(db))
          .rows[0]!.n,
      ) > 0;

describe.each([
  ['sqlite', async () => sqliteKysely()],
  ['postgres', async () => postgresKysely()],
] as const)('catching up on %s (issue #4 runner)', (dialect, open) => {
  const withDb = async (fn: (db: Kysely<any>) => Promise<void>) => {
    const handle = await open();
    if (!handle) return console.warn('PostgreSQL unreachable: skipped');
    try {
      await fn(handle.db);
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  };

  it(
    'behind the head the batches double up to catchUpBatchSize; caught up, they are back to batchSize',
    () =>
      withDb(async (db) => {
        const { store, id, ok } = await history(40);
        const sizes: number[] = [];
        const runner = projectionRunner({
          store,
          db: db,
          dialect,
          projections: [batchSizes(sizes)],
          batchSize: 2,
          catchUpBatchSize: 8,
          pollMs: 10,
        });
        await runner.start();
        expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
        // 42 events in the log: pages of 2, 4, 8, 8, 8, 8, then the 4 left; the first page holds the
        // archive number's reservation, which is no archive's event and reaches no read model
        expect(sizes).toEqual([1, 4, 8, 8, 8, 8, 4]);
        sizes.length = 0;
        for (let n = 0; n < 3; n++) await ok(aLogContact(id, `2026-03-02T01:0${n}:00.000Z`));
        runner.nudge();
        expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
        await runner.stop();
        expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(3);
      }),
    60_000,
  );

  it(
    'a long catch-up lets the rest of the process run between its batches (timers, requests)',
    () =>
      withDb(async (db) => {
        const { store } = await history(60);
        const sizes: number[] = [];
        const runner = projectionRunner({
          store,
          db: db,
          dialect,
          projections: [batchSizes(sizes)],
          batchSize: 1,
          catchUpBatchSize: 1,
        });
        let batchesWhenTimerRan = -1;
        setTimeout(() => (batchesWhenTimerRan = sizes.length), 0);
        await runner.start();
        expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
        await runner.stop();
        expect(sizes.length).toBeGreaterThan(50);
        expect(batchesWhenTimerRan).toBeGreaterThanOrEqual(0);
        expect(batchesWhenTimerRan).toBeLessThan(sizes.length);
      }),
    60_000,
  );

  it(
    'a batch that did not commit leaves nothing cached: the retry starts from the rows as committed',
    () =>
      withDb(async (db) => {
        const { store } = await history(0, 3);
        // fails once, on the batch that holds the second transaction, after the archive detail has applied it
        let batches = 0;
        const flaky: Projection = {
          name: 'flaky',
          version: 1,
          tables: [],
          async createTables() {},
          async applyBatch(_ctx, events) {
            if (events.some((e) => e.recorded.type === 'TransactionRecorded') && ++batches === 2)
              throw new Error('the database went away');
          },
        };
        const failures: unknown[] = [];
        const runner = projectionRunner({
          store,
          db: db,
          dialect,
          projections: [archiveDetail(), flaky],
          batchSize: 1,
          catchUpBatchSize: 1,
          pollMs: 10,
          onFailure: (e) => failures.push(e),
        });
        await runner.start();
        expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
        await runner.stop();
        expect(failures).toHaveLength(1);
        const [row] = await db
          .selectFrom(runner.table('archive-detail', 'archive_detail'))
          .selectAll()
          .execute();
        const state = JSON.parse(row!.state);
        // applied again on top of a cached state, the second would appear twice
        expect(state.transactions.map((t: { minor: number }) => t.minor)).toEqual([100, 200, 300]);
      }),
    60_000,
  );

  it.each([
    ['held back while catching up, written once caught up', 10_000],
    ['written every batch when deferForMs is 0', 0],
  ] as const)(
    'a read model catching up may defer its writes (%s); its checkpoint moves only with its rows',
    (_title, deferForMs) =>
      withDb(async (db) => {
        const { store } = await history(30, 5);
        const head = await store.headPosition();
        const inner = kyselyReadModelWriter(db, dialect);
        /** Per commit: whether it wrote detail rows, and whether it moved the detail's checkpoint. */
        const commits: { rows: boolean; checkpoint: boolean }[] = [];
        const writer: ReadModelWriter = {
          commit(statements) {
            commits.push({
              rows: statements.some((s) => /insert into "rm_archive_detail_v1"/i.test(s.sql)),
              checkpoint: statements.some(
                (s) =>
                  /update "projection_checkpoints"/i.test(s.sql) && s.parameters.includes('archive-detail'),
              ),
            });
            return inner.commit(statements);
          },
          close: () => inner.close(),
        };
        // holding up to 1M characters of state back (on SQLite it holds none by default)
        const detail = archiveDetail({ held: 1_000_000 });
        const answers: { mayDefer: boolean; answer: unknown }[] = [];
        const watched: Projection = {
          ...detail,
          async applyBatch(ctx, events) {
            const answer = await detail.applyBatch(ctx, events);
            answers.push({ mayDefer: ctx.mayDefer ?? false, answer });
            return answer;
          },
        };
        const runner = projectionRunner({
          store,
          db,
          dialect,
          projections: [watched],
          batchSize: 4,
          catchUpBatchSize: 4,
          pollMs: 10,
          deferForMs,
          writer,
          // in position order (a rebuild stream by stream folds each archive whole, and defers nothing)
          byStream: false,
        });
        await runner.start();
        expect(await runner.waitFor(head, 10_000)).toBe(true);
        await runner.stop();
        // only when allowed, and never writing rows without moving the checkpoint with them
        expect(answers.filter((a) => a.answer === DEFERRED && !a.mayDefer)).toEqual([]);
        expect(commits.filter((c) => c.rows !== c.checkpoint)).toEqual([]);
        const deferred = answers.filter((a) => a.answer === DEFERRED).length;
        const written = commits.filter((c) => c.rows).length;
        if (deferForMs > 0) expect([deferred > 5, written]).toEqual([true, 1]);
        // a page of 4 events each
        else expect([deferred, written]).toEqual([0, Math.ceil(Number(head) / 4)]);
        const [row] = await db
          .selectFrom(runner.table('archive-detail', 'archive_detail'))
          .selectAll()
          .execute();
        const state = JSON.parse(row!.state);
        expect([BigInt(row!.position), BigInt(row!.revision)]).toEqual([head, 35n]);
        expect(state.transactions.map((t: { minor: number }) => t.minor)).toEqual([100, 200, 300, 400, 500]);
      }),
    60_000,
  );

  it.each([
    ['writes rows and defers', true],
    ['defers when it has to write', false],
  ] as const)(
    'a read model that %s stops there with a clear error; the others go on (issue #4 runner)',
    (_title, writes) =>
      withDb(async (db) => {
        const { store } = await history(3);
        const head = await store.headPosition();
        const list = archiveList();
        const wrong: Projection = {
          ...list,
          name: 'wrong',
          async applyBatch(ctx, events) {
            if (writes) await list.applyBatch({ ...ctx, mayDefer: false }, events);
            return writes && !ctx.mayDefer ? undefined : DEFERRED;
          },
        };
        const errors: string[] = [];
        const runner = projectionRunner({
          store,
          db,
          dialect,
          projections: [wrong, archiveDetail()],
          batchSize: 2,
          catchUpBatchSize: 2,
          pollMs: 10,
          onError: (e) => errors.push(e.message),
          byStream: false,
        });
        await runner.start();
        expect(await runner.waitFor(head, 10_000, 'archive-detail')).toBe(true);
        const status = await runner.status();
        await runner.stop();
        const stopped = status.find((s) => s.name === 'wrong')!;
        expect([stopped.state, stopped.checkpoint]).toEqual(['failed', 0n]);
        expect(errors).toEqual([
          expect.stringMatching(
            writes
              ? /projection wrong stopped .*deferred a batch but wrote rows/
              : /deferred a batch it had to write/,
          ),
        ]);
        expect(status.find((s) => s.name === 'archive-detail')!.checkpoint).toBe(head);
      }),
    60_000,
  );

  it(
    'secondary indexes are created once the read model has caught up, before a new version takes over',
    () =>
      withDb(async (db) => {
        const { store } = await history(6);
        const list = archiveList();
        const observed: boolean[] = [];
        const watching: Projection = {
          ...list,
          version: 2,
          async applyBatch(ctx, events) {
            observed.push(await indexExists(ctx.db, dialect, 'rm_archive_list_v2_tier'));
            await list.applyBatch(ctx, events);
          },
        };
        const v1 = projectionRunner({ store, db: db, dialect, projections: [list] });
        await v1.start();
        expect(await v1.waitFor(await store.headPosition(), 10_000)).toBe(true);
        // live: caught up, and its indexes made (the checkpoint reaches the head a moment before)
        for (let t = 0; t < 200 && (await v1.status()).some((x) => x.state !== 'live'); t++)
          await new Promise((r) => setTimeout(r, 25));
        await v1.stop();
        expect(await indexExists(db, dialect, 'rm_archive_list_v1_tier')).toBe(true);

        const v2 = projectionRunner({
          store,
          db: db,
          dialect,
          projections: [archiveList(), watching],
          batchSize: 2,
          pollMs: 10,
        });
        await v2.start();
        for (let t = 0; t < 200 && v2.table('archive-list', 'archive_list') !== 'rm_archive_list_v2'; t++)
          await new Promise((r) => setTimeout(r, 25));
        expect(v2.table('archive-list', 'archive_list')).toBe('rm_archive_list_v2');
        await v2.stop();
        expect(observed.length).toBeGreaterThan(1);
        expect(observed.every((exists) => !exists)).toBe(true);
        expect(await indexExists(db, dialect, 'rm_archive_list_v2_tier')).toBe(true);
      }),
    60_000,
  );
});
