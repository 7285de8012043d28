/*
 * HTTP benchmark of the API on SQLite (issue #5), not a test:
 *   POST /archives/{id}/contacts at 16 connections over 500 archives, and GET /archives/{id} at 64 connections:
 *   requests/s, p50 and p99 latency; and the ratio of HTTP command throughput to the store-level append
 *   throughput (16 writers: read the stream head, append one event) measured in the same run. Target ≥ 0.5.
 * The API runs in a child process (`node dist/main.js`), so that autocannon and the server do not share a core.
 * The command runs and the store-level runs alternate in rounds (the API idle meanwhile), so that a busy
 * machine slows both alike. Sizes from the environment: BENCH_SECONDS=10 (per scenario, split over the
 * rounds), BENCH_ROUNDS=3, BENCH_ARCHIVES=500.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import type { EventToAppend } from '@dossier/core';
import type { SqliteStore } from '@dossier/sqlite';
import { openSqliteStore } from '@dossier/sqlite';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ARCHIVES = Number(process.env.BENCH_ARCHIVES ?? 500);
const SECRET = 'api-bench-secret-api-bench-secret-0123';
const dir = mkdtempSync(join(tmpdir(), 'dossier-api-bench-'));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const token = (sub: string, role: string) =>
  new SignJWT({ role, department: 'marketing', name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));

const startServer = async (port: number): Promise<ChildProcess> => {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'main.js')], {
    env: {
      ...process.env,
      DOSSIER_STORE_URL: `sqlite:${join(dir, 'api.db')}`,
      DOSSIER_PORT: String(port),
      DOSSIER_JWT_SECRET: SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Dossier API')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the API exited with ${code}:\n${out}`)));
  });
  return child;
};

interface Row {
  name: string;
  connections: number;
  rps: number;
  p50?: number;
  p99?: number;
  errors?: number;
}

const cannon = (opts: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });

/** The store alone, 16 writers: read the stream's head and append one contact-sized event with that revision. */
const storeLevel = async (
  store: SqliteStore,
  ids: readonly string[],
  seconds: number,
  writers: number,
): Promise<number> => {
  const event = (): EventToAppend => ({
    eventId: randomUUID(),
    type: 'ContactLogged',
    schemaVersion: 1,
    data: {
      contactId: randomUUID(),
      channel: 'phone',
      at: new Date().toISOString(),
      withWhom: { $pii: randomBytes(48).toString('base64') },
      by: { id: 'rep-1' },
      summary: '确认二季度订单',
    },
    metadata: {
      actor: { id: 'rep-1', role: 'sales_rep', department: 'marketing' },
      occurredAt: new Date().toISOString(),
      correlationId: 'c',
      causationId: 'c',
      commandId: randomUUID(),
    },
  });
  let done = 0;
  const end = Date.now() + seconds * 1000;
  let turn = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < end) {
        const s = ids[turn++ % ids.length]!;
        const head = (await store.events.readStream(s)).at(-1);
        const r = await store.events.append(s, [event()], head ? head.revision : 'no_stream');
        if (r._tag === 'Right') done += 1;
      }
    }),
  );
  return done;
};

const main = async () => {
  console.log(
    `API benchmark in ${dir}: ${SECONDS} s per run, ${ARCHIVES} archives, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const port = await freePort();
  const server = await startServer(port);
  const base = `http://127.0.0.1:${port}`;
  try {
    const rep = await token('rep-1', 'sales_rep');
    const auth = { authorization: `Bearer ${rep}`, 'content-type': 'application/json' };
    const body = JSON.stringify({
      custodian: { id: 'rep-1' },
      department: 'marketing',
      tier: 'B',
      secrecyLevel: 'internal',
      profile: {
        company: { name: '上海东方精密机械有限公司', bankAccount: '6222 0210 0109 8765 432' },
        classification: {
          industry: 'machinery',
          region: 'east',
          nature: 'private_limited',
          status: 'active',
        },
        people: [{ role: 'main_contact', name: '王丽华', mobile: '138 0013 8000' }],
        business: {},
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < ARCHIVES; i += 16)
      ids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(16, ARCHIVES - i) }, async () => {
            const r = await fetch(`${base}/archives`, { method: 'POST', headers: auth, body });
            if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
            return ((await r.json()) as { archiveId: string }).archiveId;
          }),
        )),
      );
    console.log(`${ids.length} archives created`);
    let next = 0;
    const contactRun = (duration: number) =>
      cannon({
        url: base,
        connections: 16,
        duration,
        requests: [
          {
            method: 'POST',
            headers: auth,
            setupRequest: (req) => ({
              ...req,
              path: `/archives/${ids[next++ % ids.length]}/contacts`,
              body: JSON.stringify({
                channel: 'phone',
                contactedAt: new Date(Date.now() - 60_000).toISOString(),
                withWhom: '王丽华',
                summary: '确认二季度订单',
              }),
            }),
          },
        ],
      });
    const store = openSqliteStore({
      path: join(dir, 'store.db'),
      masterKey: new Uint8Array(randomBytes(32)),
    });
    const streams = Array.from({ length: ARCHIVES }, () => `archive-${randomUUID()}`);
    await contactRun(1); // warm-up
    await storeLevel(store, streams, 1, 16);
    const per = Math.max(1, Math.round(SECONDS / ROUNDS));
    const contactRuns: autocannon.Result[] = [];
    let appended = 0;
    for (let r = 0; r < ROUNDS; r++) {
      contactRuns.push(await contactRun(per));
      appended += await storeLevel(store, streams, per, 16);
    }
    await store.close();
    const contactTotal = contactRuns.reduce((n, c) => n + c.requests.total, 0);
    const contact = {
      rps: contactTotal / (per * ROUNDS),
      p50: Math.max(...contactRuns.map((c) => c.latency.p50)),
      p99: Math.max(...contactRuns.map((c) => c.latency.p99)),
      errors: contactRuns.reduce((n, c) => n + c.non2xx + c.errors, 0),
    };
    const storeRow: Row = {
      name: 'store level: read head + append 1 event (16 writers)',
      connections: 16,
      rps: appended / (per * ROUNDS),
    };
    const mm = await token('mm-1', 'marketing_manager');
    const head = (await (await fetch(`${base}/health`)).json()) as { headPosition: string };
    await fetch(`${base}/archives?after=${head.headPosition}&limit=1`, {
      headers: { authorization: `Bearer ${mm}` },
    });
    const detail = await cannon({
      url: base,
      connections: 64,
      duration: SECONDS,
      headers: { authorization: `Bearer ${mm}` },
      requests: [
        { method: 'GET', setupRequest: (req) => ({ ...req, path: `/archives/${ids[next++ % ids.length]}` }) },
      ],
    });
    const rows: Row[] = [
      { name: 'POST /archives/{id}/contacts (LogContact)', connections: 16, ...contact },
      {
        name: 'GET /archives/{id} (access check + read log + decrypt)',
        connections: 64,
        rps: detail.requests.average,
        p50: detail.latency.p50,
        p99: detail.latency.p99,
        errors: detail.non2xx + detail.errors,
      },
      storeRow,
    ];
    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (n: number | undefined, d = 0) => (n === undefined ? '—' : n.toFixed(d)).padStart(9);
    console.log('');
    // the command runs' p50 / p99: the worst of the rounds
    console.log(`${pad('scenario', 56)} conns     req/s   p50 ms   p99 ms   errors`);
    for (const r of rows)
      console.log(
        `${pad(r.name, 56)} ${String(r.connections).padStart(5)} ${num(r.rps)} ${num(r.p50, 1)} ${num(r.p99, 1)} ${num(r.errors)}`,
      );
    const ratio = contact.rps / storeRow.rps;
    console.log('');
    console.log(
      `HTTP command throughput / store-level append throughput = ${ratio.toFixed(2)} (target ≥ 0.5) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
  }
};

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
