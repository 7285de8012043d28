/* pnpm bench:projections — rebuild every read model from a generated history, on SQLite and on PostgreSQL. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import type { EventStore, ReadModelWriter } from '@dossier/core';
import { openSqliteStore, sqliteReadModelWriter } from '@dossier/sqlite';
import type { PostgresReadModelWriters } from '@dossier/postgres';
import { openPostgresStore, postgresReadModelWriters } from '@dossier/postgres';
import { allReadModels } from '../src/read-models';
import { projectionRunner } from '../src/runner';
import { cachingSqliteDatabase } from '../src/statement-cache';
import { generateHistory } from './history';

/* eslint-disable @typescript-eslint/no-explicit-any */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ARCHIVES = Number(process.env.BENCH_ARCHIVES ?? Math.max(1, Math.round(EVENTS / 50)));
const ROUNDS = Math.max(1, Math.round(EVENTS / ARCHIVES / 5));
const PG_URL = process.env.DOSSIER_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Row {
  adapter: string;
  events: number;
  /** The raw read's rate over both of its runs, before and after the rebuild (what the ratio divides by). */
  rawPerSec: number;
  rawBeforePerSec: number;
  rawAfterPerSec: number;
  rebuildPerSec: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** CPU seconds of the whole process (every thread) per second of rebuild. */
  cores: number;
  /** Seconds the main thread (the one that folds) was busy during the rebuild. */
  mainBusy: number;
  /** CPU seconds the main thread used during the rebuild (Linux; less moved by other load than the above). */
  mainCpu: number | undefined;
  /** CPU seconds the main thread used for a raw read (the mean of the two; a ratio less moved by load). */
  rawCpu: number | undefined;
  /** CPU seconds of the whole process (every thread) during the rebuild. */
  processCpu: number;
  /** CPU seconds the local PostgreSQL server used during the rebuild (PostgreSQL only). */
  serverCpu?: number | undefined;
}

/** The main thread's CPU seconds so far, from /proc (its thread id is the process id); undefined elsewhere. */
const mainThreadCpu = (): number | undefined => {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (100 a second on Linux)
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
};

/**
 * CPU seconds used so far by the processes named postgres on this machine (the server, when it is local;
 * a connection that ended takes its seconds with it, so take it around work on connections that stay open).
 */
const localPostgresCpu = (): number | undefined => {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    }
    return ticks / 100;
  } catch {
    return undefined;
  }
};

const cpuSince = (from: number | undefined): number | undefined => {
  const now = mainThreadCpu();
  return from === undefined || now === undefined ? undefined : now - from;
};

const memorySampler = () => {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  let traced = performance.now();
  const timer = setInterval(() => {
    sample();
    // BENCH_TRACE=1: the memory every 5 s, to see whether it levels off
    if (process.env.BENCH_TRACE && performance.now() - traced >= 5000) {
      traced = performance.now();
      const m = process.memoryUsage();
      console.log(`  rss ${(m.rss / 2 ** 20).toFixed(0)} MB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB`);
    }
  }, 50);
  return () => {
    clearInterval(timer);
    sample();
    return { rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20 };
  };
};

/** BENCH_PROFILE=dir writes a CPU profile of each rebuild (and only of the rebuild) there. */
const profiler = async (label: string) => {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return async () => undefined;
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = await post('Profiler.stop');
    writeFileSync(join(dir, `rebuild-${label}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
};

/**
 * Write out what the machine holds dirty (the history just copied, a database just made from its template),
 * so that writing it back does not take the cores from the read measured next.
 */
const quiesce = () => {
  try {
    execFileSync('sync');
  } catch {
    // no sync command: measured as it is
  }
};

interface RawRead {
  readonly count: number;
  readonly seconds: number;
  readonly cpu: number | undefined;
}

/** The raw read's figures for a row: its rate over both runs (before and after the rebuild), each run's. */
const rawFigures = (before: RawRead, after: RawRead) => ({
  rawPerSec: (before.count + after.count) / (before.seconds + after.seconds),
  rawBeforePerSec: before.count / before.seconds,
  rawAfterPerSec: after.count / after.seconds,
  rawCpu: before.cpu === undefined || after.cpu === undefined ? undefined : (before.cpu + after.cpu) / 2,
});

const timed = async (read: () => Promise<number> | number): Promise<RawRead> => {
  const cpu0 = mainThreadCpu();
  const t = performance.now();
  const count = await read();
  return { count, seconds: (performance.now() - t) / 1000, cpu: cpuSince(cpu0) };
};

/** SQLite's raw driver: an ordered read of every event and JSON.parse of its data and metadata. */
const rawSqliteRead = (path: string): Promise<RawRead> =>
  timed(() => {
    const raw = new Database(path, { readonly: true });
    try {
      let count = 0;
      for (const r of raw.prepare('SELECT * FROM events ORDER BY position').iterate() as Iterable<{
        data: string;
        metadata: string;
      }>) {
        JSON.parse(r.data);
        JSON.parse(r.metadata);
        count++;
      }
      return count;
    } finally {
      raw.close();
    }
  });

/** PostgreSQL's raw driver: every event in position order, pages of 5,000, data and metadata parsed by pg. */
const rawPostgresRead = (pool: Pool, schema: string): Promise<RawRead> =>
  timed(async () => {
    let count = 0;
    let after = 0n;
    for (;;) {
      const { rows } = await pool.query<{ position: string; data: unknown; metadata: unknown }>(
        `SELECT * FROM ${schema}.events WHERE position > $1 ORDER BY position LIMIT 5000`,
        [after.toString()],
      );
      if (rows.length === 0) return count;
      count += rows.length;
      after = BigInt(rows.at(-1)!.position);
    }
  });

const rebuild = async (
  store: EventStore,
  db: Kysely<any>,
  dialect: 'sqlite' | 'postgres',
  writer?: ReadModelWriter,
  writers?: PostgresReadModelWriters,
) => {
  const head = await store.headPosition();
  const stopProfile = await profiler(dialect);
  const runner = projectionRunner({
    store,
    db,
    dialect,
    // BENCH_READ_MODELS=archive-detail,change-history: rebuild only those (to see what each one costs)
    projections: allReadModels().filter(
      (m) => !process.env.BENCH_READ_MODELS || process.env.BENCH_READ_MODELS.split(',').includes(m.name),
    ),
    batchSize: 2000,
    // BENCH_DEFER_MS: how long a read model catching up may hold its rows back (the runner's deferForMs)
    ...(process.env.BENCH_DEFER_MS ? { deferForMs: Number(process.env.BENCH_DEFER_MS) } : {}),
    // BENCH_BY_STREAM=0: read the log in position order from the start, not stream by stream (the stream pass)
    ...(process.env.BENCH_BY_STREAM === '0' ? { byStream: false } : {}),
    ...(writer ? { writer } : {}),
    ...(writers ? { writers: () => writers.writer() } : {}),
  });
  global.gc?.();
  const stopSampling = memorySampler();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const mainCpu0 = mainThreadCpu();
  const server0 = dialect === 'postgres' ? localPostgresCpu() : undefined;
  const t = performance.now();
  await runner.start();
  if (!(await runner.waitFor(head, 3_600_000))) throw new Error('rebuild did not finish');
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cores = (used.user + used.system) / 1e6 / seconds;
  const mainBusy = performance.eventLoopUtilization(elu).active / 1000;
  const mainCpu = cpuSince(mainCpu0);
  const server1 = server0 === undefined ? undefined : localPostgresCpu();
  const serverCpu = server0 === undefined || server1 === undefined ? undefined : server1 - server0;
  await stopProfile();
  await runner.stop();
  await writer?.close();
  await writers?.close();
  return { seconds, cores, processCpu: cores * seconds, mainBusy, mainCpu, serverCpu, ...stopSampling() };
};

const sqlite = async (): Promise<Row> => {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-bench-proj-'));
  const path = join(dir, 'dossier.db');
  try {
    // BENCH_REUSE=dir: the generated history is kept there and copied on the next run with the same size
    const kept = process.env.BENCH_REUSE && join(process.env.BENCH_REUSE, `history-${EVENTS}-${ARCHIVES}.db`);
    if (process.env.BENCH_REUSE) mkdirSync(process.env.BENCH_REUSE, { recursive: true });
    if (kept && existsSync(kept)) copyFileSync(kept, path);
    const masterKey = kept && existsSync(`${kept}.key`) ? readFileSync(`${kept}.key`) : randomBytes(32);
    const store = openSqliteStore({ path, masterKey, synchronous: 'NORMAL' });
    if ((await store.events.headPosition()) === 0n) {
      await generateHistory(store.events, store.keys, ARCHIVES, ROUNDS);
      if (kept) {
        const copy = new Database(path);
        copy.pragma('wal_checkpoint(TRUNCATE)');
        copy.close();
        copyFileSync(path, kept);
        writeFileSync(`${kept}.key`, masterKey);
      }
    }
    // the raw driver's read, before the rebuild and again after it (the machine's speed drifts), the copied
    // history on disk first
    quiesce();
    const rawBefore = await rawSqliteRead(path);
    const n = rawBefore.count;
    // as the main job has them: in the store's file, through a second connection (WAL, synchronous NORMAL)
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // a page cache of 64 MiB: the read models' tables and indexes stay in memory as they grow
    database.pragma('cache_size = -65536');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }) });
    // as the main job has them: commits on a thread of their own while the next batch is folded
    // (BENCH_WRITER=inline: on the main thread, through the kysely connection)
    const writer =
      process.env.BENCH_WRITER === 'inline'
        ? undefined
        : sqliteReadModelWriter({ path, synchronous: 'NORMAL' });
    const r = await rebuild(store.events, db, 'sqlite', writer);
    await db.destroy();
    await store.close();
    // the read-model pages out of the write-ahead log first, as they were out of it for the first read
    const settle = new Database(path);
    settle.pragma('wal_checkpoint(TRUNCATE)');
    settle.close();
    const rawAfter = await rawSqliteRead(path);
    return {
      adapter: 'sqlite',
      events: n,
      ...rawFigures(rawBefore, rawAfter),
      rebuildPerSec: n / r.seconds,
      peakRssMb: r.rssMb,
      peakHeapMb: r.heapMb,
      cores: r.cores,
      processCpu: r.processCpu,
      mainBusy: r.mainBusy,
      mainCpu: r.mainCpu,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * The generated log as a live server keeps it: vacuumed and analyzed, as autovacuum would have done (it may be
 * off, as on the machines here), so that neither the raw read nor the rebuild sets hint bits as it goes.
 */
const settleLog = async (store: { pool: Pool; schema: string }) => {
  await store.pool.query(`vacuum (analyze) ${store.schema}.events`);
};

const postgres = async (): Promise<Row | undefined> => {
  const admin = new Pool({ connectionString: PG_URL, max: 1 });
  try {
    await admin.query('select 1');
  } catch {
    console.log('PostgreSQL unreachable: skipped');
    await admin.end();
    return undefined;
  }
  const name = `dossier_bench_proj_${Date.now()}`;
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  // BENCH_REUSE=dir: the generated history is kept in a database of its own, copied (as a template) next time
  const kept = process.env.BENCH_REUSE && `dossier_bench_history_${EVENTS}_${ARCHIVES}`;
  if (process.env.BENCH_REUSE) mkdirSync(process.env.BENCH_REUSE, { recursive: true });
  const keyFile = kept && join(process.env.BENCH_REUSE!, `${kept}.key`);
  const reuse =
    kept &&
    existsSync(keyFile!) &&
    (await admin.query('select 1 from pg_database where datname = $1', [kept])).rowCount === 1;
  const masterKey = reuse ? readFileSync(keyFile!) : randomBytes(32);
  if (kept && !reuse) {
    await admin.query(`drop database if exists ${kept}`);
    await admin.query(`create database ${kept}`);
    const source = new URL(PG_URL);
    source.pathname = `/${kept}`;
    const first = await openPostgresStore({ url: source.toString(), masterKey, poolSize: 16 });
    await generateHistory(first.events, first.keys, ARCHIVES, ROUNDS);
    await settleLog(first);
    await first.close();
    writeFileSync(keyFile!, masterKey);
  }
  await admin.query(kept ? `create database ${name} template ${kept}` : `create database ${name}`);
  try {
    const store = await openPostgresStore({ url: url.toString(), masterKey, poolSize: 16 });
    if (!kept) {
      await generateHistory(store.events, store.keys, ARCHIVES, ROUNDS);
      await settleLog(store);
    }
    const pool = new Pool({ connectionString: url.toString(), max: 4 });
    pool.on('error', () => undefined);
    // the raw driver's read, before the rebuild and again after it (the machine's speed drifts), the copied
    // history on disk first
    await admin.query('checkpoint').catch(() => undefined);
    quiesce();
    const rawBefore = await rawPostgresRead(pool, store.schema);
    // positions are not dense on PostgreSQL: the events are those the raw read counted
    const n = rawBefore.count;
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    // as the main job has them: commits on a thread of their own, one writer per read model
    // (BENCH_WRITER=inline: on the main thread, through the kysely pool)
    const writers =
      process.env.BENCH_WRITER === 'inline'
        ? undefined
        : postgresReadModelWriters({
            url: url.toString(),
            ...(process.env.BENCH_PG_CONNECTIONS
              ? { connections: Number(process.env.BENCH_PG_CONNECTIONS) }
              : {}),
          });
    const r = await rebuild(store.events, db, 'postgres', undefined, writers);
    // the rebuild's dirty pages written out first, so that the server is as quiet as for the first read
    await admin.query('checkpoint').catch(() => undefined);
    const rawAfter = await rawPostgresRead(pool, store.schema);
    await db.destroy();
    await store.close();
    return {
      adapter: 'postgres',
      events: n,
      ...rawFigures(rawBefore, rawAfter),
      rebuildPerSec: n / r.seconds,
      peakRssMb: r.rssMb,
      peakHeapMb: r.heapMb,
      cores: r.cores,
      processCpu: r.processCpu,
      mainBusy: r.mainBusy,
      mainCpu: r.mainCpu,
      serverCpu: r.serverCpu,
    };
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
};

const main = async () => {
  console.log(
    `Rebuilding ${process.env.BENCH_READ_MODELS ?? 'all 9 read models'} from ${EVENTS.toLocaleString()} events over ${ARCHIVES.toLocaleString()} archives`,
  );
  // BENCH_ADAPTERS=sqlite (or postgres) runs one of the two
  const only = process.env.BENCH_ADAPTERS?.split(',');
  // BENCH_REPEAT=n: n rebuilds of each (each with its own raw read just before it), then the median ratio
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
  const rows: Row[] = [];
  for (let k = 0; k < repeat; k++)
    for (const r of [
      !only || only.includes('sqlite') ? await sqlite() : undefined,
      !only || only.includes('postgres') ? await postgres() : undefined,
    ])
      if (r) rows.push(r);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
  const num = (n: number | undefined, width: number) => (n?.toFixed(1) ?? '-').padStart(width);
  console.log(
    '\n| adapter  |   events | raw read+parse ev/s (before, after) | rebuild ev/s | ratio | peak RSS MB | peak heap MB | cores busy | process CPU s | main thread busy s | main thread CPU s | raw main CPU s | server CPU s |',
  );
  console.log(
    '|----------|---------:|------------------------------------:|-------------:|------:|------------:|-------------:|-----------:|--------------:|-------------------:|------------------:|---------------:|-------------:|',
  );
  for (const r of rows)
    console.log(
      `| ${r.adapter.padEnd(8)} | ${String(r.events).padStart(8)} | ${`${fmt(r.rawPerSec).trim()} (${fmt(r.rawBeforePerSec).trim()}, ${fmt(r.rawAfterPerSec).trim()})`.padStart(35)} | ${fmt(r.rebuildPerSec)} | ${(r.rebuildPerSec / r.rawPerSec).toFixed(3)} | ${r.peakRssMb.toFixed(0).padStart(11)} | ${r.peakHeapMb.toFixed(0).padStart(12)} | ${r.cores.toFixed(2).padStart(10)} | ${num(r.processCpu, 13)} | ${num(r.mainBusy, 18)} | ${num(r.mainCpu, 17)} | ${num(r.rawCpu, 14)} | ${num(r.serverCpu, 12)} |`,
    );
  if (repeat > 1)
    for (const adapter of new Set(rows.map((r) => r.adapter))) {
      const ratios = rows
        .filter((r) => r.adapter === adapter)
        .map((r) => r.rebuildPerSec / r.rawPerSec)
        .sort((a, b) => a - b);
      const mid = ratios.length / 2;
      const median = ratios.length % 2 ? ratios[Math.floor(mid)]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
      console.log(
        `${adapter}: median ratio ${median.toFixed(3)} of ${ratios.length} (${ratios.map((x) => x.toFixed(3)).join(', ')})`,
      );
      // the same ratio by the main thread's CPU seconds (raw read / rebuild): less moved by what else runs
      const cpu = rows
        .filter((r) => r.adapter === adapter && r.rawCpu !== undefined && r.mainCpu)
        .map((r) => r.rawCpu! / r.mainCpu!)
        .sort((a, b) => a - b);
      const half = cpu.length / 2;
      if (cpu.length > 0)
        console.log(
          `${adapter}: median main-thread CPU ratio ${(cpu.length % 2 ? cpu[Math.floor(half)]! : (cpu[half - 1]! + cpu[half]!) / 2).toFixed(3)} (${cpu.map((x) => x.toFixed(3)).join(', ')})`,
        );
    }
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
