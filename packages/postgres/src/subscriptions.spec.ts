import { randomInt, randomUUID } from 'node:crypto';
import type { EventToAppend, RecordedEvent } from '@dossier/core';
import { newDataKey } from '@dossier/core';
import type { PostgresStore } from './index';
import { openPostgresStore } from './index';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg } from './testing';
import type { Child } from './testing/child-process';
import { sleep, spawnChild } from './testing/child-process';

const anEvent = (n: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'Subscribed',
  schemaVersion: 1,
  data: { n },
  metadata: {
    actor: { id: 'u-1', role: 'sales_rep', department: 'sales' },
    occurredAt: '2026-03-01T00:00:00.000Z',
    correlationId: 'c',
    causationId: 'c',
  },
});

describePg('subscriptions', () => {
  const schema = 'subs';
  let db: TestDatabase;
  let writer: PostgresStore;
  let other: PostgresStore;
  const masterKey = newDataKey();

  const positionsAfter = async (after: bigint) =>
    (
      await writer.pool.query<{ position: string }>(
        `SELECT position FROM ${schema}.events WHERE position > $1 ORDER BY position`,
        [after.toString()],
      )
    ).rows.map((r) => BigInt(r.position));

  /** Append `count` events in small batches over a few streams, from `store`. */
  const appendSome = async (store: PostgresStore, count: number, pauseMs = 0) => {
    const streams = Array.from({ length: 4 }, () => `archive-${randomUUID()}`);
    for (let n = 0; n < count;) {
      const batch = Array.from({ length: Math.min(count - n, 1 + randomInt(3)) }, (_, i) => anEvent(n + i));
      const res = await store.events.append(streams[randomInt(streams.length)]!, batch, 'any');
      if (res._tag === 'Left') throw new Error('any never conflicts');
      n += batch.length;
      if (pauseMs) await sleep(randomInt(pauseMs));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    writer = await openPostgresStore({ url: db.url, schema, masterKey });
    other = await openPostgresStore({ url: db.url, schema, masterKey, pollMs: 60_000 });
  });
  afterAll(async () => {
    await writer?.close();
    await other?.close();
    await db?.drop();
  });

  it('catch-up from a checkpoint, then live while two stores write: no duplicate, no gap', async () => {
    const start = await writer.events.headPosition();
    await appendSome(writer, 60);
    const checkpoint = (await positionsAfter(start))[24]!;
    const ctrl = new AbortController();
    const got: RecordedEvent[] = [];
    const expected = 60 - 25 + 2 * 60;
    const subscription = (async () => {
      for await (const e of writer.events.subscribe({
        after: checkpoint,
        batchSize: 7,
        signal: ctrl.signal,
      })) {
        got.push(e);
        if (got.length === expected) ctrl.abort();
      }
    })();
    await Promise.all([appendSome(writer, 60, 3), appendSome(other, 60, 3)]);
    await subscription;
    expect(got.map((e) => e.position)).toEqual(await positionsAfter(checkpoint));
  }, 30_000);

  it('a subscriber is woken by LISTEN/NOTIFY from another store (its polling is a minute apart)', async () => {
    const after = await other.events.headPosition();
    const ctrl = new AbortController();
    const got: RecordedEvent[] = [];
    const subscription = (async () => {
      for await (const e of other.events.subscribe({ after, signal: ctrl.signal })) {
        got.push(e);
        ctrl.abort();
      }
    })();
    await sleep(300); // the subscriber has caught up and waits
    const t0 = Date.now();
    await appendSome(writer, 1);
    await subscription;
    expect(got).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 30_000);

  it('keeps being woken by NOTIFY after its listening connection was killed', async () => {
    const after = await other.events.headPosition();
    const ctrl = new AbortController();
    const got: RecordedEvent[] = [];
    const subscription = (async () => {
      for await (const e of other.events.subscribe({ after, signal: ctrl.signal })) {
        got.push(e);
        if (got.length === 2) ctrl.abort();
      }
    })();
    await sleep(300);
    await appendSome(writer, 1);
    for (let t = 0; got.length < 1 && t < 100; t++) await sleep(20);
    const killed = await writer.pool.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE application_name = 'dossier-listen:${schema}' AND datname = current_database()`,
    );
    expect(killed.rows[0]!.n).toBeGreaterThan(0);
    await sleep(300); // the subscriber has noticed, listens again, and waits
    const t0 = Date.now();
    await appendSome(writer, 1);
    await subscription;
    expect(got).toHaveLength(2);
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 30_000);

  it('resumes after its process is SIGKILLed: with the checkpoint saved in the projection transaction, every event is projected exactly once', async () => {
    await writer.pool.query(
      'CREATE TABLE projected (position bigint NOT NULL, stream_id text NOT NULL, revision bigint NOT NULL)',
    );
    const total = 400;
    const env = { DOSSIER_PG_URL: db.url, DOSSIER_SCHEMA: schema };
    const runs: Child[] = [];
    for (let kill = 0; kill < 4; kill++) {
      const child = spawnChild('checkpointed-subscriber', env);
      runs.push(child);
      await child.waitFor((l) => l.startsWith('from '));
      // events arrive while each run is alive, so every kill lands on a subscriber with work under way
      await appendSome(writer, total / 4, 4);
      await sleep(100 + randomInt(400));
      expect((await child.kill('SIGKILL')).signal).toBe('SIGKILL');
    }
    // one last run, left to catch up with everything
    const last = spawnChild('checkpointed-subscriber', env);
    runs.push(last);
    const head = await writer.events.headPosition();
    // done when it has projected the head (or started from it: the killed runs may have finished the job)
    await last.waitFor((l) => l === `seen ${head}` || l === `from ${head}`, 30_000);
    await last.kill('SIGTERM');

    const all = await positionsAfter(0n);
    const projected = (
      await writer.pool.query<{ position: string }>('SELECT position FROM projected ORDER BY position')
    ).rows.map((r) => BigInt(r.position));
    expect(projected).toEqual(all); // none lost, none twice
    for (const run of runs) {
      // each run started from the checkpoint the previous one had committed, and went up in order
      const from = BigInt(run.lines[0]!.slice('from '.length));
      const seen = run.lines.filter((l) => l.startsWith('seen ')).map((l) => BigInt(l.slice('seen '.length)));
      const expectedStart = all.find((p) => p > from);
      if (seen.length > 0) expect(seen[0]).toBe(expectedStart);
      seen.forEach((p, i) => i > 0 && expect(p).toBeGreaterThan(seen[i - 1]!));
      expect(run.stderr()).toBe('');
    }
    expect(runs.filter((r) => r.lines.length > 1).length).toBeGreaterThan(2);
  }, 60_000);
});
