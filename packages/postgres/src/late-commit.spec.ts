import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EventToAppend, RecordedEvent } from '@dossier/core';
import { newDataKey } from '@dossier/core';
import type { PostgresStore } from './index';
import { openPostgresStore } from './index';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg } from './testing';
import { sleep } from './testing/child-process';

const anEvent = (type: string): EventToAppend => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data: { type },
  metadata: {
    actor: { id: 'u-1', role: 'sales_rep', department: 'sales' },
    occurredAt: '2026-03-01T00:00:00.000Z',
    correlationId: 'c',
    causationId: 'c',
  },
});

const right = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left')
    throw new Error(`expected Right, got ${JSON.stringify(e.left, (_k, v) => String(v))}`);
  return e.right;
};

describePg('late commits: a position taken early and committed late is never skipped', () => {
  const schema = 'late';
  let db: TestDatabase;
  let store: PostgresStore;
  let held: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore({ url: db.url, schema, masterKey: newDataKey(), pollMs: 100 });
  });
  beforeEach(async () => {
    held = new Client({ connectionString: db.url });
    await held.connect();
  });
  afterEach(async () => held.end());
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** The positions a naive reader (no horizon) would see: what the rule protects against. */
  const naivePositions = async (after: bigint) =>
    (
      await store.pool.query<{ position: string }>(
        `SELECT position FROM ${schema}.events WHERE position > $1 ORDER BY position`,
        [after.toString()],
      )
    ).rows.map((r) => BigInt(r.position));

  it('readers stop below a held position until it commits; then readAll and a live subscriber see both, in order', async () => {
    const start = await store.events.headPosition();
    const ctrl = new AbortController();
    const live: RecordedEvent[] = [];
    const subscription = (async () => {
      for await (const e of store.events.subscribe({ after: start, signal: ctrl.signal })) {
        live.push(e);
        if (live.length === 2) ctrl.abort();
      }
    })();

    // connection 1 takes its position and keeps its transaction open
    await held.query('BEGIN');
    const early = right(
      await store.events.appendIn(held, `archive-${randomUUID()}`, [anEvent('Early')], 'no_stream'),
    );
    // connection 2 takes a later position and commits
    const late = right(await store.events.append(`archive-${randomUUID()}`, [anEvent('Late')], 'no_stream'));
    expect(late.position).toBeGreaterThan(early.position);

    // the hazard is real: the later position is visible while the earlier one is not
    expect(await naivePositions(start)).toEqual([late.position]);
    // the store does not hand it out, nor advance past the held position
    expect(await store.events.readAll({ after: start })).toEqual([]);
    expect(await store.events.headPosition()).toBe(start);
    await sleep(400); // several poll rounds and the NOTIFY of the late append
    expect(live).toEqual([]);

    await held.query('COMMIT');
    store.events.appended();
    const all = await store.events.readAll({ after: start });
    expect(all.map((e) => [e.type, e.position])).toEqual([
      ['Early', early.position],
      ['Late', late.position],
    ]);
    expect(await store.events.headPosition()).toBe(late.position);
    await subscription;
    expect(live.map((e) => e.position)).toEqual([early.position, late.position]);
  });

  it('a subscriber that is not told (no NOTIFY, only polling) still sees the late commit, in order', async () => {
    const start = await store.events.headPosition();
    const ctrl = new AbortController();
    const live: RecordedEvent[] = [];
    const subscription = (async () => {
      for await (const e of store.events.subscribe({ after: start, signal: ctrl.signal, batchSize: 1 })) {
        live.push(e);
        if (live.length === 3) ctrl.abort();
      }
    })();
    await held.query('BEGIN');
    const early = right(
      await store.events.appendIn(held, `archive-${randomUUID()}`, [anEvent('Early')], 'any'),
    );
    const later = [
      right(await store.events.append(`archive-${randomUUID()}`, [anEvent('Late1')], 'any')),
      right(await store.events.append(`archive-${randomUUID()}`, [anEvent('Late2')], 'any')),
    ];
    await sleep(300);
    expect(live).toEqual([]);
    await held.query('COMMIT'); // and nobody calls appended(): the poll must find it
    await subscription;
    expect(live.map((e) => e.position)).toEqual([early.position, ...later.map((l) => l.position)]);
  });

  it('a late transaction that rolls back leaves a hole that stays a hole; the readers move on', async () => {
    const start = await store.events.headPosition();
    await held.query('BEGIN');
    const early = right(
      await store.events.appendIn(held, `archive-${randomUUID()}`, [anEvent('Doomed')], 'any'),
    );
    const late = right(await store.events.append(`archive-${randomUUID()}`, [anEvent('Kept')], 'any'));
    expect(await store.events.readAll({ after: start })).toEqual([]);
    await held.query('ROLLBACK');
    const all = await store.events.readAll({ after: start });
    expect(all.map((e) => e.position)).toEqual([late.position]);
    expect(all[0]!.position).toBeGreaterThan(early.position);
    expect(await store.events.headPosition()).toBe(late.position);
  });

  it('a held transaction blocks no writer: appends on other connections commit while it is open', async () => {
    await held.query('BEGIN');
    right(await store.events.appendIn(held, `archive-${randomUUID()}`, [anEvent('Held')], 'any'));
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        store.events.append(`archive-${randomUUID()}`, [anEvent('Free')], 'any'),
      ),
    );
    expect(results.every((r) => r._tag === 'Right')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await held.query('COMMIT');
  });
});
