/*
 * SQLite store benchmark: Dossier against raw better-sqlite3 on the same table shape, in one run. The write
 * measures run interleaved in rounds, so that a busy machine slows both sides alike.
 * Sizes come from the environment, so that a quick run is possible:
 *   BENCH_SINGLE=3000     single-row inserts / single-event commands, for (a) and (b)
 *   BENCH_BATCHES=150     100-row transactions / 100-event appends, for (c)
 *   BENCH_WRITERS=16      concurrent writers, for (b)
 *   BENCH_ROUNDS=3        rounds the write measures are split into
 *   BENCH_READ=1000000    events in the log read, for (d)
 *   BENCH_APPENDED=50000  of which written through append (the rest are SQL copies of those rows)
 *   BENCH_PAGE=1000       readAll page size, for (d)
 *   BENCH_DIR=<tmpdir>    where the database files go (removed afterwards unless BENCH_KEEP=1)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import { openSqliteStore } from '@dossier/sqlite';
import type { Sample } from './bench-events';
import { envNumber, rate } from './bench-events';
import { batchWorkload, directWorkload, handlerWorkload, readAllWorkload } from './dossier-workloads';
import { rawRead, rawWriter } from './raw-baseline';
import { fillLog } from './read-log';
import { printTable } from './table';

const SINGLE = envNumber('BENCH_SINGLE', 3000);
const BATCHES = envNumber('BENCH_BATCHES', 150);
const WRITERS = envNumber('BENCH_WRITERS', 16);
const ROUNDS = envNumber('BENCH_ROUNDS', 3);
const READ = envNumber('BENCH_READ', 1_000_000);
const APPENDED = envNumber('BENCH_APPENDED', 50_000);
const PAGE = envNumber('BENCH_PAGE', 1000);

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'dossier-bench-'));
const masterKey = new Uint8Array(randomBytes(32));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const main = async () => {
  console.log(`SQLite store benchmark in ${dir}`);
  console.log(
    `single=${SINGLE} batches=${BATCHES} writers=${WRITERS} rounds=${ROUNDS} read=${READ} page=${PAGE}`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  // the raw baseline writes into a file Dossier created, so the table and its indexes are the same
  const rawPath = join(dir, 'raw.db');
  await openSqliteStore({ path: rawPath, masterKey }).close();
  const rawDb = new Database(rawPath);
  const raw = rawWriter(rawDb);
  const store = openSqliteStore({ path: join(dir, 'dossier.db'), masterKey });
  const memory = { events: inMemoryEventStore(), keys: inMemoryKeyStore(masterKey) };

  const archivesPerWriter = (writers: number) => Math.max(4, Math.ceil(200 / writers));
  const handlerOne = await handlerWorkload(store.events, store.keys, 1, archivesPerWriter(1));
  const handlerMany = await handlerWorkload(store.events, store.keys, WRITERS, archivesPerWriter(WRITERS));
  const handlerMemory = await handlerWorkload(memory.events, memory.keys, 1, archivesPerWriter(1));
  const directOne = directWorkload(store.events, 1, archivesPerWriter(1));
  const directMany = directWorkload(store.events, WRITERS, archivesPerWriter(WRITERS));
  const batches = batchWorkload(store.events);

  const samples = new Map<string, Sample[]>();
  const add = (name: string, s: Sample) => samples.set(name, [...(samples.get(name) ?? []), s]);
  let commits = 0;
  let appends = 0;
  const perRound = (n: number) => Math.max(1, Math.round(n / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    add('rawSingle', await raw.singles(perRound(SINGLE)));
    add('a', await handlerOne(perRound(SINGLE)));
    const before = store.stats();
    add('b', await handlerMany(perRound(SINGLE)));
    commits += store.stats().commits - before.commits;
    appends += store.stats().units - before.units;
    add('directOne', await directOne(perRound(SINGLE)));
    add('directMany', await directMany(perRound(SINGLE)));
    add('memory', await handlerMemory(perRound(SINGLE)));
    add('rawBatch', await raw.batches(perRound(BATCHES)));
    add('c', await batches(perRound(BATCHES)));
    console.log(`round ${round + 1}/${ROUNDS} written`);
  }
  rawDb.close();
  await store.close();

  const readPath = join(dir, 'read.db');
  const filler = openSqliteStore({ path: readPath, masterKey, synchronous: 'NORMAL' });
  const fillStart = Date.now();
  await fillLog(filler, READ, APPENDED);
  await filler.close();
  console.log(`log of ${fmt(READ)} events ready in ${((Date.now() - fillStart) / 1000).toFixed(1)} s`);
  const readDb = new Database(readPath, { readonly: true });
  const reader = openSqliteStore({ path: readPath, masterKey });
  // alternating, best of two each: neither side profits from a warmer cache
  const rawReads = [await rawRead(readDb)];
  const dossierReads = [await readAllWorkload(reader.events, PAGE)];
  rawReads.push(await rawRead(readDb));
  dossierReads.push(await readAllWorkload(reader.events, PAGE));
  readDb.close();
  await reader.close();
  for (const r of [...rawReads, ...dossierReads])
    if (r.events !== READ) throw new Error(`read ${r.events} events, expected ${READ}`);
  const best = (xs: Sample[]) => Math.max(...xs.map((x) => rate([x])));

  const r = (name: string) => rate(samples.get(name)!);
  console.log('');
  printTable([
    { name: 'raw insert, 1 row per transaction (FULL, WAL)', rate: r('rawSingle') },
    { name: 'raw insert, 100 rows per transaction', rate: r('rawBatch') },
    { name: '(a) handler, 1 writer, 1-event commands', rate: r('a'), raw: r('rawSingle'), target: 0.6 },
    {
      name: `(b) handler, ${WRITERS} writers, 1-event commands`,
      rate: r('b'),
      raw: r('rawSingle'),
      target: 5,
      note: `${(appends / commits).toFixed(1)} appends per commit`,
    },
    { name: '(c) append of 100 events, 1 writer', rate: r('c'), raw: r('rawBatch'), target: 0.7 },
    {
      name: `(d) readAll of ${fmt(READ)}, decoded, pages of ${PAGE}`,
      rate: best(dossierReads),
      raw: best(rawReads),
      target: 0.6,
      note: 'raw: one SELECT + JSON.parse',
    },
    { name: 'for reference:' },
    { name: 'store alone, 1 writer: read head + append 1', rate: r('directOne'), raw: r('rawSingle') },
    {
      name: `store alone, ${WRITERS} writers: read head + append 1`,
      rate: r('directMany'),
      raw: r('rawSingle'),
    },
    {
      name: 'handler on the in-memory store, 1 writer',
      rate: r('memory'),
      raw: r('rawSingle'),
      note: 'the handler’s own ceiling',
    },
  ]);
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
};

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  });
