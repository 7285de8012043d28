/*
 * Worker benchmark (issue #6): many archives with pending deadlines, one tick evaluated, thousands fired.
 * Sizes come from the environment so that a quick run is possible:
 *   BENCH_ARCHIVES=100000   archives with pending deadlines (the due ones through the store, the rest seeded
 *                           straight into the read model with deadlines in the future)
 *   BENCH_DUE=10000         archives created through the store whose SLA warning falls due (the deadlines fired)
 *   BENCH_APPENDS=3000      single-event appends timed against the same store
 *   BENCH_STORE=sqlite      or postgres (a fresh database on DOSSIER_PG_URL)
 *   BENCH_CONCURRENCY=8     archives fired in parallel; BENCH_BATCH=500 deadlines claimed at a time
 */
import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '@dossier/core';
import { commandHandler, defaultPolicyConfig, fixedClock } from '@dossier/core';
import { aCreateArchive, anActor } from '@dossier/core/testing';
import { physicalTable } from '@dossier/projections';
import type { Deadline } from '@dossier/worker';
import {
  ARCHIVES,
  DEADLINES,
  cadenceChannels,
  contactDeadlinesOf,
  createWorker,
  pendingDeadlines,
  slaDeadlinesOf,
  toRow,
  yearlyReviewOf,
} from '@dossier/worker';
import type { Dialect } from '@dossier/worker/testing';
import { openStoreUnderTest } from '@dossier/worker/testing';

const envNumber = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};

const TOTAL = envNumber('BENCH_ARCHIVES', 100_000);
const DUE = Math.min(envNumber('BENCH_DUE', 10_000), TOTAL);
const APPENDS = envNumber('BENCH_APPENDS', 3000);
const CONCURRENCY = envNumber('BENCH_CONCURRENCY', 8);
const BATCH = envNumber('BENCH_BATCH', 500);
const DIALECT = (process.env.BENCH_STORE ?? 'sqlite') as Dialect;

const T0 = '2026-03-02T02:00:00.000Z';
const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

// peak memory, sampled through the whole run
const peak = { rss: 0, heap: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heap = Math.max(peak.heap, m.heapUsed);
};
const sampler = setInterval(sample, 20);

const seconds = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
};

const inParallel = async (n: number, lanes: number, work: (i: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < n) await work(next++);
    }),
  );
};

const benchEvent = (): EventToAppend => ({
  eventId: randomUUID(),
  type: 'BenchEvent',
  schemaVersion: 1,
  data: { n: 1, note: 'single-event append' },
  metadata: {
    actor: { id: 'bench', role: 'system', department: 'system' },
    occurredAt: T0,
    correlationId: 'b',
    causationId: 'b',
  },
});

const main = async () => {
  const clock = fixedClock(T0);
  const store = await openStoreUnderTest(DIALECT, clock);
  if (!store) throw new Error('PostgreSQL is unreachable (DOSSIER_PG_URL)');
  const rows: [string, string][] = [];
  const report = (what: string, value: string) => rows.push([what, value]);
  try {
    const config = defaultPolicyConfig;
    const handler = commandHandler({ store: store.events, keys: store.keys, clock, config });
    const ok = async (c: Record<string, unknown>) => {
      const r = await handler.execute(c);
      if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    };

    // 1. archives whose deadlines fall due, through the store: creation and an information receipt each
    const [, seedS] = await seconds(() =>
      inParallel(DUE, 16, async (i) => {
        const id = `due-${i}`;
        await ok(aCreateArchive(id, { commandId: `c-${id}` }));
        await ok({
          type: 'RecordInformation',
          commandId: `r-${id}`,
          archiveId: id,
          actor: anActor('marketing_manager', 'mm-1'),
          receiptId: 'r1',
          channel: 'phone',
          summary: '新开户行',
          receivedAt: T0,
        });
      }),
    );
    report(`seed ${DUE} archives through the store (2 commands each)`, `${seedS.toFixed(1)} s`);

    // 2. the rest straight into the read model: the same six deadlines per archive, all in the future
    const createdAt = at(30 * 24 * HOUR); // a month later: nothing of theirs falls due in the run
    const template: Deadline[] = [
      ...slaDeadlinesOf(config, 'template', 'r1', createdAt),
      ...cadenceChannels.flatMap((ch) =>
        contactDeadlinesOf(config, 'template', { tier: 'B', tierSince: createdAt, lastContact: {} }, ch),
      ),
      yearlyReviewOf(config, 'template', '2027-04-01'),
    ];
    const [, synthS] = await seconds(async () => {
      const archives = physicalTable(ARCHIVES, pendingDeadlines.version);
      const deadlines = physicalTable(DEADLINES, pendingDeadlines.version);
      await store.db.transaction().execute((trx) =>
        pendingDeadlines.createTables({
          db: trx,
          table: (b) => physicalTable(b, 1),
          config,
          dialect: DIALECT,
        }),
      );
      for (let i = DUE; i < TOTAL; i += 500)
        await store.db.transaction().execute(async (trx) => {
          const ids = Array.from({ length: Math.min(500, TOTAL - i) }, (_, k) => `synthetic-${i + k}`);
          await trx
            .insertInto(archives)
            .values(
              ids.map((archive_id) => ({
                archive_id,
                tier: 'B',
                tier_since: createdAt,
                last_phone: null,
                last_visit: null,
                created_at: createdAt,
                status: 'open',
              })),
            )
            .execute();
          const ds: Deadline[] = ids.flatMap((id) => template.map((d) => ({ ...d, archiveId: id })));
          for (let j = 0; j < ds.length; j += 1000)
            await trx
              .insertInto(deadlines)
              .values(ds.slice(j, j + 1000).map(toRow))
              .execute();
        });
    });
    report(
      `seed ${TOTAL - DUE} more archives into the read model (7 deadlines each)`,
      `${synthS.toFixed(1)} s`,
    );

    const worker = createWorker({
      store: store.events,
      keys: store.keys,
      clock,
      config,
      db: store.db,
      dialect: DIALECT,
      log: () => undefined,
      workerId: 'bench',
      concurrency: CONCURRENCY,
      batchSize: BATCH,
      projectionPollMs: 20,
      catchUpTimeoutMs: 600_000,
    });

    // 3. the projection catches up with the seeded log (the first tick waits for it); nothing is due yet
    clock.set(at(HOUR));
    const [first, catchUpS] = await seconds(() => worker.tick());
    report(
      `read model catches up with ${await store.events.headPosition()} events (first tick)`,
      `${catchUpS.toFixed(2)} s`,
    );
    const pending = await store.db
      .selectFrom(physicalTable(DEADLINES, 1))
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    report('pending deadlines in the read model', `${Number(pending.n)} (${TOTAL} archives)`);
    if (first.claimed !== 0) throw new Error(`nothing should be due yet, ${first.claimed} claimed`);

    // 4. one tick when nothing is due: the cost of evaluating the deadlines
    const idle: number[] = [];
    for (let k = 0; k < 7; k++) {
      clock.set(at(2 * HOUR + k * 60_000));
      const [r, s] = await seconds(() => worker.tick());
      if (r.claimed !== 0) throw new Error('nothing should be due');
      idle.push(s * 1000);
    }
    idle.sort((a, b) => a - b);
    report('evaluate one tick, nothing due (median of 7)', `${idle[3]!.toFixed(1)} ms`);

    // 5. the SLA warnings of the DUE archives fall due at once: fire them
    clock.set(at(24 * HOUR));
    const [fired, fireS] = await seconds(() => worker.tick());
    if (fired.recorded !== DUE)
      throw new Error(`expected ${DUE} findings, recorded ${fired.recorded}: ${JSON.stringify(fired)}`);
    const findingsPerS = fired.recorded / fireS;
    report(
      `fire ${fired.recorded} due deadlines (one tick, concurrency ${CONCURRENCY})`,
      `${fireS.toFixed(2)} s = ${findingsPerS.toFixed(0)} findings/s`,
    );
    await worker.stop();

    // 6. the store's single-event append rate, same store, same run
    const [, seqS] = await seconds(async () => {
      for (let i = 0; i < APPENDS; i++)
        await store.events.append(`bench-${randomUUID()}`, [benchEvent()], 'no_stream');
    });
    const seqRate = APPENDS / seqS;
    report(`store: ${APPENDS} single-event appends, one after another`, `${seqRate.toFixed(0)} appends/s`);
    const [, parS] = await seconds(() =>
      inParallel(APPENDS, CONCURRENCY, async () => {
        await store.events.append(`bench-${randomUUID()}`, [benchEvent()], 'no_stream');
      }),
    );
    const parRate = APPENDS / parS;
    report(
      `store: ${APPENDS} single-event appends, ${CONCURRENCY} writers`,
      `${parRate.toFixed(0)} appends/s`,
    );
    report('findings/s ÷ sequential append rate', `${(findingsPerS / seqRate).toFixed(2)}`);
    report(`findings/s ÷ append rate with ${CONCURRENCY} writers`, `${(findingsPerS / parRate).toFixed(2)}`);
    sample();
    report(
      'peak memory (rss / heapUsed, whole run)',
      `${(peak.rss / 2 ** 20).toFixed(0)} MiB / ${(peak.heap / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    clearInterval(sampler);
    await store.close();
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nworker benchmark — ${DIALECT}, ${TOTAL} archives, ${DUE} due, node ${process.version}\n`);
  console.log(`| ${'measure'.padEnd(width)} | result |`);
  console.log(`| ${'-'.repeat(width)} | ------ |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
