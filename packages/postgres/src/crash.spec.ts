import { randomInt } from 'node:crypto';
import type { RecordedEvent } from '@dossier/core';
import { newDataKey, verifyChain } from '@dossier/core';
import type { PostgresStore } from './index';
import { openPostgresStore } from './index';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg } from './testing';
import type { Child } from './testing/child-process';
import { sleep, spawnChild } from './testing/child-process';

interface Ack {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
}

const parseAcks = (lines: readonly string[], into: Map<string, Ack>) => {
  for (const line of lines) {
    if (!line.startsWith('ack ')) continue;
    const [, stream, list] = line.split(' ');
    for (const item of list!.split(',')) {
      const [eventId, revision, position] = item.split('@');
      into.set(eventId!, { stream: stream!, revision: BigInt(revision!), position: BigInt(position!) });
    }
  }
};

describePg('crash safety: a writer process SIGKILLed at random moments', () => {
  const schema = 'crash';
  let db: TestDatabase;
  let store: PostgresStore;
  const children: Child[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore({ url: db.url, schema, masterKey: newDataKey() });
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await store?.close();
    await db?.drop();
  });

  const untilGone = async (applicationName: string) => {
    for (;;) {
      const res = await store.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      if (res.rows[0]!.n === 0) return;
      await sleep(5);
    }
  };

  it('keeps every acknowledged append, and every hash chain verifies, after each of 25 kills', async () => {
    const reps = Number(process.env.DOSSIER_CRASH_REPS ?? 25);
    const acked = new Map<string, Ack>();
    // each writer names its sessions, so that the test can wait for the server to be done with them
    const spawnWriter = (rep: number) => {
      const child = spawnChild('crash-appender', {
        DOSSIER_PG_URL: `${db.url}?application_name=crash-appender-${rep}`,
        DOSSIER_SCHEMA: schema,
      });
      children.push(child);
      return child;
    };
    let next = spawnWriter(0);
    for (let rep = 0; rep < reps; rep++) {
      const child = next;
      await child.waitFor((l) => l === 'ready');
      child.send('go');
      await sleep(randomInt(5, 250));
      const exit = await child.kill('SIGKILL');
      expect({ rep, signal: exit.signal, stderr: child.stderr() }).toEqual({
        rep,
        signal: 'SIGKILL',
        stderr: '',
      });
      parseAcks(child.lines, acked);
      // the server finishes (and may commit) what the dead client had sent: wait until its sessions are gone
      await untilGone(`crash-appender-${rep}`);
      // the next writer starts up meanwhile; it waits for "go" before it writes anything
      if (rep + 1 < reps) next = spawnWriter(rep + 1);

      // every acknowledged event is there, where it was acknowledged
      const rows = await store.pool.query<{
        event_id: string;
        stream_id: string;
        revision: string;
        position: string;
      }>(`SELECT event_id, stream_id, revision, position FROM ${schema}.events`);
      const stored = new Map(rows.rows.map((r) => [r.event_id, r]));
      expect(stored.size).toBe(rows.rows.length);
      for (const [eventId, a] of acked) {
        const r = stored.get(eventId);
        expect({
          eventId,
          stream: r?.stream_id,
          revision: r && BigInt(r.revision),
          position: r && BigInt(r.position),
        }).toEqual({ eventId, ...a });
      }
      // every chain verifies, and every stream head points at the stream's last event
      const heads = await store.events.streamHeads();
      for (const head of heads) {
        const events: readonly RecordedEvent[] = await store.events.readStream(head.streamId);
        const verified = verifyChain(head.streamId, events);
        expect(verified._tag === 'Right' ? 'verifies' : verified.left.message).toBe('verifies');
        expect(head).toEqual({
          streamId: head.streamId,
          revision: events.at(-1)!.revision,
          position: events.at(-1)!.position,
          hash: events.at(-1)!.hash,
        });
      }
      expect(heads.reduce((n, h) => n + Number(h.revision) + 1, 0)).toBe(rows.rows.length);
    }
    expect(acked.size).toBeGreaterThan(reps);
  }, 60_000);
});
