import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { EventOf, FindingType } from '@dossier/core';
import { commandHandler, findingKey, fixedClock } from '@dossier/core';
import { aCreateArchive } from '@dossier/core/testing';
import { openPostgresStore } from '@dossier/postgres';
import { freshPostgresDatabase } from './testing/databases';
import { actors, findingsIn } from './testing/scenario';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const ARCHIVES = Number(process.env.WORKER_PROCESS_ARCHIVES ?? 300);
const DAY = 86_400_000;

interface Running {
  readonly name: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('worker processes on one PostgreSQL database (DOMAIN.md §2 worker findings, issue #6)', () => {
  it('§2 exactly once: two worker processes, one killed with SIGKILL mid-run and restarted, record every finding exactly once', async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: build first (node_modules/.bin/tsc -b packages/worker)`);
    const database = await freshPostgresDatabase();
    if (!database) return console.warn('PostgreSQL unreachable: skipped');
    const masterKey = new Uint8Array(randomBytes(32));
    const running: Running[] = [];
    // seeded 400 days ago: every deadline of every archive is due now, and the tier review too
    const t0 = new Date(Date.now() - 400 * DAY).toISOString();
    const store = await openPostgresStore({ url: database.url, masterKey, pollMs: 100 });
    try {
      const handler = commandHandler({ store: store.events, keys: store.keys, clock: fixedClock(t0) });
      const ok = async (c: Record<string, unknown>) => {
        const r = await handler.execute(c);
        if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
      };
      const seedOne = async (i: number) => {
        const id = `p${String(i).padStart(4, '0')}`;
        await ok(aCreateArchive(id));
        await ok({
          type: 'RecordInformation',
          commandId: `i-${id}`,
          archiveId: id,
          actor: actors.manager,
          receiptId: 'r1',
          channel: 'phone',
          summary: '新开户行',
          receivedAt: t0,
        });
        await ok({
          type: 'RequestBorrow',
          commandId: `b1-${id}`,
          archiveId: id,
          actor: actors.rep,
          borrowingId: 'b1',
          purpose: '核对',
        });
        await ok({
          type: 'ApproveBorrow',
          commandId: `b2-${id}`,
          archiveId: id,
          actor: actors.manager,
          borrowingId: 'b1',
        });
        await ok({
          type: 'LendArchive',
          commandId: `b3-${id}`,
          archiveId: id,
          actor: actors.keeper,
          borrowingId: 'b1',
        });
      };
      for (let i = 0; i < ARCHIVES; i += 20)
        await Promise.all(Array.from({ length: Math.min(20, ARCHIVES - i) }, (_, k) => seedOne(i + k)));
      // per archive: SLA breached, phone and visit overdue, return overdue, the yearly review; and the tier
      // review proposes A for the first 20% and C for the last 40% (no amounts: ties go by archive id)
      let expected = ARCHIVES * 5 + Math.round(ARCHIVES * 0.2) + (ARCHIVES - Math.round(ARCHIVES * 0.6));

      const start = (name: string): Running => {
        const child = spawn(process.execPath, [MAIN], {
          env: {
            ...process.env,
            DOSSIER_STORE_URL: database.url,
            DOSSIER_MASTER_KEY: Buffer.from(masterKey).toString('base64'),
            DOSSIER_WORKER_ID: name,
            DOSSIER_WORKER_TICK_MS: '200',
            DOSSIER_WORKER_BATCH: '20',
            DOSSIER_WORKER_CONCURRENCY: '2',
            DOSSIER_WORKER_LEASE_MS: '1500',
            DOSSIER_WORKER_PROJECTOR_LEASE_MS: '2000',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const lines: Record<string, unknown>[] = [];
        let partial = '';
        child.stdout.on('data', (chunk: Buffer) => {
          const text = partial + chunk.toString('utf8');
          const parts = text.split('\n');
          partial = parts.pop()!;
          for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        const exited = new Promise<number | null>((resolve) =>
          child.on('exit', (code) => {
            if (stderr) console.warn(`${name} stderr: ${stderr}`);
            resolve(code);
          }),
        );
        const r = { name, child, lines, exited };
        running.push(r);
        return r;
      };
      const recorded = (r: Running) => r.lines.filter((l) => l.msg === 'finding recorded');

      const projecting = (r: Running) => r.lines.some((l) => l.msg === 'projecting pending deadlines');
      const w1 = start('w1');
      await until('w1 to run the deadlines projection', () => projecting(w1), 30_000);
      const w2 = start('w2');
      await until('w1 to record 60 findings', () => recorded(w1).length >= 60, 60_000);
      w1.child.kill('SIGKILL'); // the projector, mid-run
      await w1.exited;
      const killedAfter = recorded(w1).length;
      expect((await findingsIn(store.events)).length).toBeLessThan(expected);
      // new receipts while the projector is dead: w2 must take the projection over to see them
      const wave = Math.min(50, ARCHIVES);
      for (let i = 0; i < wave; i++) {
        const id = `p${String(i).padStart(4, '0')}`;
        await ok({
          type: 'RecordInformation',
          commandId: `i2-${id}`,
          archiveId: id,
          actor: actors.manager,
          receiptId: 'r2',
          channel: 'visit',
          summary: '新地址',
          receivedAt: t0,
        });
      }
      expected += wave;
      await until('w2 to take over the projection', () => projecting(w2), 30_000);
      const w1again = start('w1');

      await until('every finding', async () => (await findingsIn(store.events)).length >= expected, 120_000);
      await new Promise((r) => setTimeout(r, 1500)); // a few more ticks of both: nothing more may appear
      for (const r of [w2, w1again]) r.child.kill('SIGTERM');
      expect(await w2.exited).toBe(0);
      expect(await w1again.exited).toBe(0);

      const findings = await findingsIn(store.events);
      const counts = new Map<string, number>();
      for (const f of findings) {
        const key = `${f.archiveId} ${findingKey({ type: f.type, data: f.data } as EventOf<FindingType>)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
      expect(findings).toHaveLength(expected);
      const byType = (t: string) => findings.filter((f) => f.type === t).length;
      expect([
        byType('UpdateSlaBreached'),
        byType('ContactOverdue'),
        byType('ReturnOverdue'),
        byType('ReviewDue'),
      ]).toEqual([ARCHIVES + wave, 2 * ARCHIVES, ARCHIVES, ARCHIVES]);
      // both processes did part of the work, the killed one before and after its restart
      expect(killedAfter).toBeGreaterThan(0);
      expect(recorded(w2).length).toBeGreaterThan(0);
      // every log line names a recorded finding; at most the few in flight at the kill went unlogged
      const events = new Set(findings.map((f) => f.eventId));
      const logged = new Set(running.flatMap((r) => recorded(r).map((l) => l.eventId as string)));
      expect([...logged].every((id) => events.has(id))).toBe(true);
      expect(logged.size).toBeGreaterThanOrEqual(expected - 4);
    } finally {
      for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
      await Promise.all(running.map((r) => r.exited));
      await store.close();
      await database.drop();
    }
  }, 300_000);
});
