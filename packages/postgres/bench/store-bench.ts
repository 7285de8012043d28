/*
 * Store benchmark (not a test): Dossier's PostgreSQL adapter against raw `pg` on the same table shape, in one
 * run, on a throwaway database that is dropped afterwards.
 *
 *   pnpm --filter @dossier/postgres bench                          (full sizes)
 *   DOSSIER_BENCH_QUICK=1 pnpm --filter @dossier/postgres bench    (a quick run, sizes / 10)
 *
 * Every measure runs in small blocks, and the blocks of all measures alternate (raw single, (a), …, raw
 * single, (a), …): a host shared with other work slows down whatever runs at that moment, so interleaving
 * spreads that noise over the raw baselines and Dossier alike. Rates are total operations / total time.
 *
 * Sizes (env): DOSSIER_BENCH_SINGLE (raw single inserts and (a) appends, default 3000, in blocks of 100),
 * DOSSIER_BENCH_CONCURRENT ((b) appends and raw concurrent inserts, default 20000), DOSSIER_BENCH_WRITERS (16),
 * DOSSIER_BENCH_BATCHES (100-event appends for raw batch and (c), default 300), DOSSIER_BENCH_READ (events for
 * (d), default 1000000), DOSSIER_BENCH_PAGE (read page size, default 5000). Server: DOSSIER_PG_URL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { Client } from 'pg';
import type { EventToAppend } from '@dossier/core';
import { commandHandler, newDataKey, systemClock } from '@dossier/core';
import { aCreateArchive, aLogContact } from '@dossier/core/testing';
import type { PostgresStore } from '@dossier/postgres';
import { defaultPgUrl, openPostgresStore } from '@dossier/postgres';

const quick = process.env.DOSSIER_BENCH_QUICK === '1';
const size = (name: string, full: number) =>
  Number(process.env[name] ?? (quick ? Math.ceil(full / 10) : full));
const SINGLE = size('DOSSIER_BENCH_SINGLE', 3000);
const CONCURRENT = size('DOSSIER_BENCH_CONCURRENT', 20_000);
const WRITERS = Number(process.env.DOSSIER_BENCH_WRITERS ?? 16);
const BATCHES = size('DOSSIER_BENCH_BATCHES', 300);
const READ = size('DOSSIER_BENCH_READ', 1_000_000);
const PAGE = Number(process.env.DOSSIER_BENCH_PAGE ?? 5000);
/** Operations per block of the single-writer measures; the number of rounds follows from it. */
const BLOCK = 100;
const ROUNDS = Math.max(1, Math.ceil(SINGLE / BLOCK));
/** Events per archive before a writer moves on to a new one (keeps "load the archive" realistic). */
const PER_ARCHIVE = 10;
const SCHEMA = 'dossier';

const COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash';

/** An event shaped like a ContactLogged with one sealed personal field. */
const anEvent = (): EventToAppend => ({
  eventId: randomUUID(),
  type: 'ContactLogged',
  schemaVersion: 1,
  data: {
    contactId: randomUUID(),
    channel: 'phone',
    contactedAt: new Date().toISOString(),
    withWhom: { $pii: randomBytes(48).toString('base64') },
    summary: '确认二季度订单',
    by: { id: 'rep-1', name: '李明' },
  },
  metadata: {
    actor: { id: 'rep-1', role: 'sales_rep', department: 'marketing', name: '李明' },
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    commandId: randomUUID(),
  },
});
const events = (n: number) => Array.from({ length: n }, anEvent);

const hex64 = () => randomBytes(32).toString('hex');

/**
 * The raw row for the same kind of event: what a hand-written INSERT stores. Data and metadata stay objects
 * until the insert (`params`), as Dossier's events do: both sides pay for their JSON inside the timing.
 */
const rawRow = (position: number, streamId: string, revision: number): unknown[] => {
  const e = anEvent();
  return [
    position,
    streamId,
    revision,
    e.eventId,
    e.type,
    e.schemaVersion,
    e.data,
    e.metadata,
    new Date().toISOString(),
    hex64(),
    hex64(),
  ];
};

const time = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

// ---------- accounting ----------

interface Measure {
  readonly name: string;
  ops: number;
  ms: number;
  readonly baseline?: string;
  readonly target?: number;
}
const measures = new Map<string, Measure>();
const declare = (name: string, baseline?: string, target?: number) =>
  measures.set(name, { name, ops: 0, ms: 0, baseline, target });
/** Run one block of a measure: `prepare` is not timed, `run` is. */
const block = async <T>(name: string, ops: number, prepare: () => T, run: (input: T) => Promise<unknown>) => {
  const m = measures.get(name)!;
  const input = prepare();
  m.ms += await time(() => run(input));
  m.ops += ops;
};
const rateOf = (name: string) => {
  const m = measures.get(name)!;
  return (m.ops * 1000) / m.ms;
};

// ---------- raw pg ----------

const INSERT_ONE = `INSERT INTO raw_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
let rawPosition = 1_000_000_000;
const params = (row: readonly unknown[]) => row.map((v, i) => (i === 6 || i === 7 ? JSON.stringify(v) : v));
const rawRows = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => rawRow(rawPosition++, `raw-${tag}-${i}`, 0));

const rawSingle = async (pool: Pool, rows: readonly unknown[][]) => {
  const client = await pool.connect();
  try {
    for (const row of rows) await client.query({ name: 'raw_single', text: INSERT_ONE, values: params(row) });
  } finally {
    client.release();
  }
};

const rawConcurrent = (pool: Pool, rowsPerWriter: readonly (readonly unknown[][])[]) =>
  Promise.all(
    rowsPerWriter.map(async (rows) => {
      for (const row of rows) await pool.query({ name: 'raw_single', text: INSERT_ONE, values: params(row) });
    }),
  );

const INSERT_100 = `INSERT INTO raw_events (${COLUMNS}) VALUES ${Array.from(
  { length: 100 },
  (_, r) => `(${Array.from({ length: 11 }, (_, c) => `$${r * 11 + c + 1}`).join(', ')})`,
).join(', ')}`;
const rawBatchRows = (batches: number, tag: string) =>
  Array.from({ length: batches }, (_, b) =>
    Array.from({ length: 100 }, (_, r) => rawRow(rawPosition++, `raw-batch-${tag}-${b}`, r)),
  );
const rawBatch = async (pool: Pool, batches: readonly (readonly unknown[][])[]) => {
  const client = await pool.connect();
  try {
    for (const rows of batches) {
      await client.query({ name: 'raw_batch', text: INSERT_100, values: rows.flatMap(params) });
    }
  } finally {
    client.release();
  }
};

/** The strict read baseline: array rows, json columns parsed by pg, nothing else (no BigInt, no objects). */
const rawRead = async (pool: Pool, after: number, count: number) => {
  let cursor = String(after);
  let n = 0;
  while (n < count) {
    const res = await pool.query<string[]>({
      name: 'raw_read',
      text: `SELECT ${COLUMNS} FROM ${SCHEMA}.events WHERE position > $1 ORDER BY position LIMIT $2`,
      values: [cursor, Math.min(PAGE, count - n)],
      rowMode: 'array',
    });
    if (res.rows.length === 0) break;
    n += res.rows.length;
    cursor = res.rows.at(-1)![0]!;
  }
  return n;
};

// ---------- Dossier ----------

/**
 * One writer: load the archive's head, append one event with the expected revision; a new archive every 10
 * events. `full` loads the whole archive (readStream) instead of its head, as a command handler does.
 * TODO(handler): the command handler exists now; it is measured below as well, but the targets apply here.
 */
const loadAndAppend = async (
  store: PostgresStore,
  writer: string,
  batch: readonly EventToAppend[],
  full = false,
) => {
  for (const [i, e] of batch.entries()) {
    const archive = `archive-${writer}-${Math.floor(i / PER_ARCHIVE)}`;
    const head = full
      ? ((await store.events.readStream(archive)).at(-1)?.revision ?? -1n)
      : ((await store.events.streamHead(archive))?.revision ?? -1n);
    const res = await store.events.append(archive, [e], head < 0n ? 'no_stream' : head);
    if (res._tag === 'Left') throw new Error(`unexpected conflict on ${archive}`);
  }
};

type Handler = ReturnType<typeof commandHandler>;
const handlerArchives = async (handler: Handler, count: number) => {
  const ids = Array.from({ length: count }, () => randomUUID());
  for (const id of ids) {
    const res = await handler.execute(aCreateArchive(id));
    if (res._tag === 'Left') throw new Error(`CreateArchive failed: ${JSON.stringify(res.left)}`);
  }
  return ids;
};
const logContacts = async (handler: Handler, archives: readonly string[], n: number) => {
  for (let i = 0; i < n; i++) {
    const res = await handler.execute(aLogContact(archives[i % archives.length]!, new Date().toISOString()));
    if (res._tag === 'Left') throw new Error(`LogContact failed: ${JSON.stringify(res.left)}`);
  }
};

const dossierRead = async (store: PostgresStore, after: number, count: number) => {
  let cursor = BigInt(after);
  let n = 0;
  while (n < count) {
    const page = await store.events.readAll({ after: cursor, limit: Math.min(PAGE, count - n) });
    if (page.length === 0) break;
    n += page.length;
    cursor = page.at(-1)!.position;
  }
  return n;
};

/** The read benchmark needs a big log fast: rows generated in SQL, shaped like the appended ones (the reader
 *  decodes them; it does not verify chains), at positions 1..total. */
const populateForRead = async (pool: Pool, total: number) => {
  const sample = anEvent();
  await pool.query(`TRUNCATE ${SCHEMA}.events, ${SCHEMA}.streams`);
  for (let from = 1; from <= total; from += 100_000) {
    await pool.query(
      `INSERT INTO ${SCHEMA}.events (${COLUMNS})
       SELECT i, 'bulk-' || (i / 10), i % 10, md5(i::text), 'ContactLogged', 1, $1::json, $2::json, $3,
              md5((i - 1)::text) || md5((i - 1)::text), md5(i::text) || md5(i::text)
         FROM generate_series($4::bigint, $5::bigint) AS i`,
      [
        JSON.stringify(sample.data),
        JSON.stringify(sample.metadata),
        new Date().toISOString(),
        from,
        Math.min(total, from + 99_999),
      ],
    );
  }
  await pool.query(
    `SELECT setval('${SCHEMA}.global_position', greatest($1::bigint, last_value)) FROM ${SCHEMA}.global_position`,
    [total],
  );
  await pool.query(`VACUUM ANALYZE ${SCHEMA}.events`);
};

// ---------- the run ----------

const A = '(a) 1 writer: head + append(1 event, expected rev.)';
const A_FULL = '(a) 1 writer: readStream + append (whole archive)';
const B = `(b) ${WRITERS} writers, own archives: head + append`;
const C = '(c) 1 writer: append(100 events), new archive';
const D = '(d) readAll in global order, decoded';
const RAW_SINGLE = 'raw pg: single-row INSERT, autocommit';
const RAW_SINGLE_H = 'raw pg: single-row INSERT (alongside the handler)';
const RAW_CONCURRENT = `raw pg: ${WRITERS} writers, single-row INSERT (ceiling of b)`;
const RAW_BATCH = 'raw pg: 100-row multi-row INSERT';
const RAW_READ = 'raw pg: SELECT … ORDER BY position, array rows, JSON parsed';
const H_A = '(a) command handler: LogContact, 1 writer';
const H_B = `(b) command handler: LogContact, ${WRITERS} writers`;

const writes = async (store: PostgresStore) => {
  const pool = store.pool;
  const perWriter = Math.max(1, Math.ceil(CONCURRENT / ROUNDS / WRITERS));
  const batchesPerRound = Math.max(1, Math.ceil(BATCHES / ROUNDS));
  for (let round = 1; round <= ROUNDS; round++) {
    const r = String(round);
    await block(
      RAW_SINGLE,
      BLOCK,
      () => rawRows(BLOCK, r),
      (rows) => rawSingle(pool, rows),
    );
    await block(
      A,
      BLOCK,
      () => events(BLOCK),
      (batch) => loadAndAppend(store, `a${r}`, batch),
    );
    await block(
      A_FULL,
      BLOCK,
      () => events(BLOCK),
      (batch) => loadAndAppend(store, `af${r}`, batch, true),
    );
    await block(
      B,
      perWriter * WRITERS,
      () => Array.from({ length: WRITERS }, () => events(perWriter)),
      (sets) => Promise.all(sets.map((batch, w) => loadAndAppend(store, `b${r}-${w}`, batch))),
    );
    await block(
      RAW_CONCURRENT,
      perWriter * WRITERS,
      () => Array.from({ length: WRITERS }, (_, w) => rawRows(perWriter, `c${r}-${w}`)),
      (sets) => rawConcurrent(pool, sets),
    );
    await block(
      RAW_BATCH,
      batchesPerRound * 100,
      () => rawBatchRows(batchesPerRound, r),
      (batches) => rawBatch(pool, batches),
    );
    await block(
      C,
      batchesPerRound * 100,
      () => Array.from({ length: batchesPerRound }, () => events(100)),
      async (batches) => {
        for (const [i, batch] of batches.entries()) {
          const res = await store.events.append(`archive-c${r}-${i}`, batch, 'no_stream');
          if (res._tag === 'Left') throw new Error('unexpected conflict');
        }
      },
    );
    if (round % 10 === 0 || round === ROUNDS) process.stdout.write(`  writes: round ${round} of ${ROUNDS}\n`);
  }
};

const handlerWrites = async (store: PostgresStore) => {
  // the same writes through the command handler (load, decode, decrypt, decide, encrypt, append), interleaved
  // with raw single inserts of their own
  const handler = commandHandler({ store: store.events, keys: store.keys, clock: systemClock });
  const rounds = Math.max(1, Math.ceil(ROUNDS / 3));
  const one = await handlerArchives(handler, 10);
  const many = await Promise.all(Array.from({ length: WRITERS }, () => handlerArchives(handler, 3)));
  await logContacts(handler, one, 20); // warm-up
  const perWriter = Math.max(1, Math.ceil(BLOCK / 4));
  for (let round = 1; round <= rounds; round++) {
    await block(
      RAW_SINGLE_H,
      BLOCK,
      () => rawRows(BLOCK, `h${round}`),
      (rows) => rawSingle(store.pool, rows),
    );
    await block(
      H_A,
      BLOCK,
      () => undefined,
      () => logContacts(handler, one, BLOCK),
    );
    await block(
      H_B,
      perWriter * WRITERS,
      () => undefined,
      () => Promise.all(many.map((set) => logContacts(handler, set, perWriter))),
    );
  }
};

const reads = async (store: PostgresStore) => {
  process.stdout.write(`  (populating ${READ.toLocaleString('en-US')} events for the read benchmark)\n`);
  await populateForRead(store.pool, READ);
  await rawRead(store.pool, 0, Math.min(READ, 50_000)); // warm-up
  await dossierRead(store, 0, Math.min(READ, 50_000));
  const chunk = Math.max(PAGE, Math.ceil(READ / 20));
  for (let from = 0, k = 0; from < READ; from += chunk, k++) {
    const count = Math.min(chunk, READ - from);
    const raw = () =>
      block(
        RAW_READ,
        count,
        () => undefined,
        () => rawRead(store.pool, from, count),
      );
    const ours = () =>
      block(
        D,
        count,
        () => undefined,
        () => dossierRead(store, from, count),
      );
    // alternate who reads a chunk first, so that neither always finds it in the cache
    if (k % 2 === 0) await raw().then(ours);
    else await ours().then(raw);
  }
};

const main = async () => {
  const name = `dossier_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: defaultPgUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(defaultPgUrl());
  url.pathname = `/${name}`;
  process.stdout.write(
    `Dossier PostgreSQL store benchmark on ${url.host}/${name}: single ${SINGLE} (blocks of ${BLOCK}), ` +
      `concurrent ${CONCURRENT} x ${WRITERS} writers, batches ${BATCHES} x 100, read ${READ}\n`,
  );
  const store = await openPostgresStore({
    url: url.toString(),
    schema: SCHEMA,
    masterKey: newDataKey(),
    poolSize: WRITERS + 4,
  });
  declare(RAW_SINGLE);
  declare(A, 'raw single', 0.6);
  declare(A_FULL, 'raw single');
  declare(B, 'raw single', 2);
  declare(RAW_CONCURRENT, 'raw single');
  declare(RAW_BATCH);
  declare(C, 'raw batch', 0.7);
  declare(RAW_SINGLE_H);
  declare(H_A, 'raw single (h)');
  declare(H_B, 'raw single (h)');
  declare(RAW_READ);
  declare(D, 'raw read', 0.6);
  try {
    await store.pool.query(`CREATE TABLE raw_events (LIKE ${SCHEMA}.events INCLUDING ALL)`);
    const settings = await store.pool.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method')`,
    );
    process.stdout.write(`  server: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}\n`);
    // warm-up: prepared statements, plan caches, PL/pgSQL compilation
    await rawSingle(store.pool, rawRows(200, 'warm'));
    await rawBatch(store.pool, rawBatchRows(3, 'warm'));
    await loadAndAppend(store, 'warm', events(200));
    await loadAndAppend(store, 'warm-full', events(200), true);

    await writes(store);
    await handlerWrites(store);
    await reads(store);
  } finally {
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }

  const baselineRate: Record<string, number> = {
    'raw single': rateOf(RAW_SINGLE),
    'raw single (h)': rateOf(RAW_SINGLE_H),
    'raw batch': rateOf(RAW_BATCH),
    'raw read': rateOf(RAW_READ),
  };
  const all = [...measures.values()];
  const width = Math.max(...all.map((m) => m.name.length));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  process.stdout.write(
    '\n' + line(['measure'.padEnd(width), '   events/s', 'vs'.padEnd(14), 'ratio', 'target', 'met']),
  );
  process.stdout.write(line(['-'.repeat(width), '-'.repeat(11), '-'.repeat(14), '-----', '------', '---']));
  for (const m of all) {
    const ratio = m.baseline ? rateOf(m.name) / baselineRate[m.baseline]! : undefined;
    process.stdout.write(
      line([
        m.name.padEnd(width),
        Math.round(rateOf(m.name)).toLocaleString('en-US').padStart(11),
        (m.baseline ?? '').padEnd(14),
        ratio === undefined ? '     ' : `${ratio.toFixed(2)}x`.padStart(5),
        m.target === undefined ? '      ' : `>=${m.target}x`.padStart(6),
        m.target === undefined || ratio === undefined ? '   ' : ratio >= m.target ? 'yes' : 'NO ',
      ]),
    );
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`store-bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
