import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@dossier/core';
import { anEvent } from '@dossier/core/testing';
import { openSqliteStore } from './open-sqlite-store';
import { tempDatabase } from './testing';
import { spawnChild } from './testing/child-process';
import { freshStore, masterKey, masterKeyHex, rightOf } from './testing/fixtures';

const range = (from: bigint, to: bigint) =>
  Array.from({ length: Number(to - from + 1n) }, (_, i) => from + BigInt(i));

describe('subscriptions', () => {
  it('catch-up from a saved checkpoint, then live under concurrent writers: no duplicate, no gap', async () => {
    const { store, done } = freshStore('subscribe');
    try {
      for (let i = 0; i < 10; i++)
        rightOf(
          await store.events.append(`archive-${i}`, [anEvent('A'), anEvent('B'), anEvent('C')], 'no_stream'),
        );
      await store.checkpoints.save('sub', 12n);
      const ctrl = new AbortController();
      const got: RecordedEvent[] = [];
      const consumer = (async () => {
        const from = await store.checkpoints.load('sub');
        for await (const e of store.events.subscribe({ after: from, batchSize: 4, signal: ctrl.signal })) {
          got.push(e);
          await store.checkpoints.save('sub', e.position);
          if (got.length === 30 - 12 + 8 * 10) ctrl.abort();
        }
      })();
      // live: 8 writers appending while the subscriber catches up
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let k = 0; k < 10; k++) {
            rightOf(
              await store.events.append(
                `live-${w}`,
                [anEvent('L', { w, k })],
                k === 0 ? 'no_stream' : BigInt(k - 1),
              ),
            );
            if (k % 3 === 0) await new Promise((r) => setTimeout(r, 2));
          }
        }),
      );
      await consumer;
      expect(got.map((e) => e.position)).toEqual(range(13n, 110n));
      expect(await store.checkpoints.load('sub')).toBe(110n);
      expect(got.map((e) => e.eventId)).toEqual(
        (await store.events.readAll({ after: 12n })).map((e) => e.eventId),
      );
    } finally {
      await done();
    }
  }, 20_000);

  it('closing the store ends its live subscriptions', async () => {
    const { store, done } = freshStore('subscribe-close');
    const seen: RecordedEvent[] = [];
    const run = (async () => {
      for await (const e of store.events.subscribe()) seen.push(e);
    })();
    rightOf(await store.events.append('archive-1', [anEvent()], 'no_stream'));
    await new Promise((r) => setTimeout(r, 20));
    await done();
    await run;
    expect(seen).toHaveLength(1);
  });

  it('a subscriber in another process, killed with SIGKILL twice, resumes from its checkpoint: it delivered exactly the log, in order', async () => {
    const file = tempDatabase('subscribe-kill');
    const store = openSqliteStore({ path: file.path, masterKey });
    try {
      let n = 0;
      const appendSome = async (count: number) => {
        for (let i = 0; i < count; i++, n++)
          rightOf(
            await store.events.append(`archive-${n % 7}-${randomUUID()}`, [anEvent('E', { n })], 'no_stream'),
          );
      };
      await appendSome(150);
      const config = { path: file.path, masterKeyHex, name: 'killed-subscriber' };
      const starts: bigint[] = [];
      for (let round = 0; round < 2; round++) {
        const child = spawnChild('subscribe-loop', config);
        starts.push(BigInt((await child.waitFor((l) => l.startsWith('from '))).slice(5)));
        // let it catch up part of the way while new events keep arriving, then kill it mid-stream
        const target = BigInt(n - 40);
        const live = appendSome(60);
        await child.waitFor((l) => l.startsWith('got ') && BigInt(l.slice(4)) >= target);
        await child.kill();
        await live;
      }
      const last = spawnChild('subscribe-loop', config);
      starts.push(BigInt((await last.waitFor((l) => l.startsWith('from '))).slice(5)));
      await appendSome(20);
      const head = await store.events.headPosition();
      await last.waitFor((l) => l === `got ${head}`);
      await last.kill();

      // every round resumed where the previous one had committed, not from the start
      expect(starts[0]).toBe(0n);
      expect(starts[1]).toBeGreaterThan(0n);
      expect(starts[2]).toBeGreaterThan(starts[1]!);
      const db = new Database(file.path, { readonly: true });
      const delivered = db.prepare('SELECT position, event_id FROM test_delivered ORDER BY rowid').all() as {
        position: number;
        event_id: string;
      }[];
      db.close();
      const log = await store.events.readAll({ limit: 100_000 });
      expect(log).toHaveLength(Number(head));
      expect(delivered.map((d) => d.event_id)).toEqual(log.map((e) => e.eventId));
      expect(delivered.map((d) => BigInt(d.position))).toEqual(range(1n, head));
      expect(await store.checkpoints.load('killed-subscriber')).toBe(head);
    } finally {
      await store.close();
      file.remove();
    }
  }, 60_000);
});
