/*
 * Benchmark of the event feed (issue #7), not a test:
 *   1. events/s delivered over SSE to one consumer (the `eventsource` package) catching up over the whole log
 *      (1,000,000 events by default, appended through the store directly);
 *   2. events/s delivered to 50 concurrent live consumers while the server appends;
 *   3. the store's raw read rate (`readAll` pages, the feed's page size) in the same run, and the ratios.
 * The API runs in a child process (bench/feed-bench-server.ts), so that the consumers do not share its core.
 * Sizes from the environment: BENCH_FEED_EVENTS=1000000, BENCH_FEED_PER_ARCHIVE=100,
 * BENCH_FEED_CONSUMERS=50, BENCH_FEED_LIVE_EVENTS=20000.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import type { FetchLike } from 'eventsource';
import { ARCHIVE_STREAM_PREFIX } from '@dossier/core';
import { openSqliteStore } from '@dossier/sqlite';
import { signToken } from '../src/identity/jwt';
import { generateArchiveEvents } from '../src/feed/testing/generate-events';

const EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 1_000_000);
const PER_ARCHIVE = Number(process.env.BENCH_FEED_PER_ARCHIVE ?? 100);
const CONSUMERS = Number(process.env.BENCH_FEED_CONSUMERS ?? 50);
const LIVE_EVENTS = Number(process.env.BENCH_FEED_LIVE_EVENTS ?? 20_000);
const PAGE = 500; // the feed's page size (DOSSIER_FEED_BATCH)
const SECRET = 'feed-bench-secret-feed-bench-secret-0123';

const dir = mkdtempSync(join(tmpdir(), 'dossier-feed-bench-'));
const dbPath = join(dir, 'feed.db');
const masterKey = randomBytes(32);
const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  send(line: string): void;
  next(prefix: string): Promise<string>;
}

const startServer = async (): Promise<Server> => {
  const child = spawn(process.execPath, [join(__dirname, 'feed-bench-server.js')], {
    env: {
      ...process.env,
      BENCH_DB: dbPath,
      BENCH_MASTER_KEY: masterKey.toString('base64'),
      BENCH_JWT_SECRET: SECRET,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (b: Buffer) => {
    buffer += b.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const i = waiting.findIndex((w) => line.startsWith(w.prefix));
      if (i >= 0) waiting.splice(i, 1)[0]!.resolve(line);
    }
  });
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      waiting.push({ prefix, resolve });
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
  const port = Number((await next('listening ')).split(' ')[1]);
  return { child, port, send: (line) => child.stdin!.write(line + '\n'), next };
};

/** A consumer on the `eventsource` package: resolves when it has `count` events (or rejects on error). */
const consume = (url: string, token: string, count: number, onOpen?: () => void) => {
  let received = 0;
  let last = 0n;
  const authorized: FetchLike = (input, init) =>
    fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  const es = new EventSource(url, { fetch: authorized });
  const done = new Promise<number>((resolve, reject) => {
    es.onopen = () => onOpen?.();
    es.onmessage = (m) => {
      const position = BigInt(m.lastEventId);
      if (position <= last) reject(new Error(`out of order: ${position} after ${last}`));
      last = position;
      if (++received === count) {
        es.close();
        resolve(performance.now());
      }
    };
    es.onerror = (e) => {
      if (received < count) reject(new Error(`feed error: ${e.message ?? 'unknown'}`));
    };
  });
  return {
    done,
    get received() {
      return received;
    },
  };
};

const main = async () => {
  console.log(
    `feed benchmark in ${dir}: ${fmt(EVENTS)} events (${PER_ARCHIVE} per archive), ${CONSUMERS} live consumers × ${fmt(LIVE_EVENTS)} events; ` +
      `${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  // 1. the backlog, through the store directly
  let store = openSqliteStore({ path: dbPath, masterKey, synchronous: 'NORMAL' });
  let started = performance.now();
  let last = 0;
  const generated = await generateArchiveEvents(store, {
    archives: Math.ceil(EVENTS / PER_ARCHIVE),
    perArchive: PER_ARCHIVE,
    onProgress: (n) => {
      if (n - last >= 100_000) {
        last = n;
        process.stdout.write(`  appended ${fmt(n)}\r`);
      }
    },
  });
  const appendMs = performance.now() - started;
  console.log(`  appended ${fmt(generated.events)} events in ${(appendMs / 1000).toFixed(1)} s`);
  await store.close();

  // 2. the store's raw read rate: readAll pages of the feed's size, the archive streams only, as the feed reads
  store = openSqliteStore({ path: dbPath, masterKey, synchronous: 'NORMAL' });
  started = performance.now();
  let read = 0;
  for (let after = 0n; ;) {
    const page = await store.events.readAll({ after, limit: PAGE, streamPrefix: ARCHIVE_STREAM_PREFIX });
    read += page.length;
    if (page.length < PAGE) break;
    after = page.at(-1)!.position;
  }
  const rawMs = performance.now() - started;
  await store.close();

  // 3. one SSE consumer catching up over everything
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  const token = await signToken({ sub: 'bench', role: 'auditor', department: 'audit' }, SECRET);
  try {
    started = performance.now();
    const catchUpEnd = await consume(`${base}/feed?from=0`, token, generated.events).done;
    const catchUpMs = catchUpEnd - started;

    // 4. live: consumers connected at the head, the server appends, every consumer receives every event
    let open = 0;
    let allOpen!: () => void;
    const opened = new Promise<void>((resolve) => (allOpen = resolve));
    const consumers = Array.from({ length: CONSUMERS }, () =>
      consume(`${base}/feed`, token, LIVE_EVENTS, () => {
        if (++open === CONSUMERS) allOpen();
      }),
    );
    await opened;
    const liveStart = performance.now();
    // new archives of 50 events each, one append per archive: the server appends as fast as its store can
    server.send(`produce ${Math.ceil(LIVE_EVENTS / 50)} 50`);
    const produced = (await server.next('produced ')).split(' ');
    const ends = await Promise.all(consumers.map((c) => c.done));
    const liveMs = Math.max(...ends) - liveStart;
    const produceMs = Number(produced[2]);

    const rawRate = rate(read, rawMs);
    const rows = [
      ['store readAll (raw, pages of 500)', fmt(read), (rawMs / 1000).toFixed(2), fmt(rawRate), '1.00'],
      [
        'SSE catch-up, 1 consumer',
        fmt(generated.events),
        (catchUpMs / 1000).toFixed(2),
        fmt(rate(generated.events, catchUpMs)),
        (rate(generated.events, catchUpMs) / rawRate).toFixed(2),
      ],
      [
        `SSE live, ${CONSUMERS} consumers (all deliveries)`,
        fmt(LIVE_EVENTS * CONSUMERS),
        (liveMs / 1000).toFixed(2),
        fmt(rate(LIVE_EVENTS * CONSUMERS, liveMs)),
        (rate(LIVE_EVENTS * CONSUMERS, liveMs) / rawRate).toFixed(2),
      ],
      [
        `  per live consumer (server appended at ${fmt(rate(Number(produced[1]), produceMs))}/s)`,
        fmt(LIVE_EVENTS),
        (liveMs / 1000).toFixed(2),
        fmt(rate(LIVE_EVENTS, liveMs)),
        (rate(LIVE_EVENTS, liveMs) / rawRate).toFixed(2),
      ],
    ];
    const head = ['scenario', 'events', 'seconds', 'events/s', 'vs raw read'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      '| ' +
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') +
      ' |';
    console.log(
      ['', line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join(
        '\n',
      ),
    );
    console.log(
      `\nappend through the store: ${fmt(rate(generated.events, appendMs))} events/s; live: the last consumer ` +
        `had every event ${Math.max(0, liveMs - produceMs).toFixed(0)} ms after the server's last append ` +
        `(the live rate per consumer is the rate the server appended at, while fanning out)`,
    );
  } finally {
    server.send('quit');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e: unknown) => {
  console.error(e);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
