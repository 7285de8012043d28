import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@dossier/core';
import { verifyChain } from '@dossier/core';
import { anEvent } from '@dossier/core/testing';
import { openSqliteStore } from './open-sqlite-store';
import { tempDatabase } from './testing';
import { spawnChild } from './testing/child-process';
import { masterKey, masterKeyHex, rightOf } from './testing/fixtures';

interface Won {
  streamId: string;
  eventId: string;
  revision: string;
}

const wonLines = (lines: readonly string[]): Won[] =>
  lines.filter((l) => l.startsWith('won ')).map((l) => JSON.parse(l.slice(4)) as Won);

describe('concurrent writers', () => {
  it('8 writers on one stream with expected revisions: each revision written once, losers get a typed conflict', async () => {
    const file = tempDatabase('writers-one');
    const store = openSqliteStore({ path: file.path, masterKey });
    try {
      const s = `archive-${randomUUID()}`;
      rightOf(await store.events.append(s, [anEvent('Created')], 'no_stream'));
      const won: string[] = [];
      let conflicts = 0;
      const writer = async (w: number) => {
        for (let k = 0; k < 10; k++)
          for (;;) {
            const head = (await store.events.readStream(s)).at(-1)!.revision;
            const e = anEvent('W', { w, k });
            const res = await store.events.append(s, [e], head);
            if (res._tag === 'Right') {
              won.push(e.eventId);
              break;
            }
            expect(res.left).toEqual({
              _tag: 'ConcurrencyConflict',
              streamId: s,
              expected: head,
              actual: expect.any(BigInt),
            });
            expect(res.left.actual).toBeGreaterThan(head);
            conflicts++;
          }
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      const read = await store.events.readStream(s);
      expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 81 }, (_, i) => BigInt(i)));
      expect(
        read
          .slice(1)
          .map((e) => e.eventId)
          .sort(),
      ).toEqual([...won].sort());
      expect(conflicts).toBeGreaterThan(0);
      expect(verifyChain(s, read)._tag).toBe('Right');
    } finally {
      await store.close();
      file.remove();
    }
  }, 30_000);

  it('8 writers on one stream across two processes: each revision written once, nothing lost or doubled', async () => {
    const file = tempDatabase('writers-two-processes');
    const store = openSqliteStore({ path: file.path, masterKey });
    try {
      const s = `archive-${randomUUID()}`;
      rightOf(await store.events.append(s, [anEvent('Created')], 'no_stream'));
      const config = { path: file.path, masterKeyHex, writers: 4, appends: 15, stream: s };
      const children = ['A', 'B'].map((label) => spawnChild('contend-writer', { ...config, label }));
      const exits = await Promise.all(children.map((c) => c.exited));
      expect(exits.map((x) => x.code)).toEqual([0, 0]);
      const won = children.flatMap((c) => wonLines(c.lines));
      expect(won).toHaveLength(2 * 4 * 15);
      // both processes really contended: each saw typed conflicts
      for (const c of children) expect(c.lines.filter((l) => l === 'conflict').length).toBeGreaterThan(0);
      const read = await store.events.readStream(s);
      expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 121 }, (_, i) => BigInt(i)));
      expect(
        read
          .slice(1)
          .map((e) => e.eventId)
          .sort(),
      ).toEqual(won.map((w) => w.eventId).sort());
      for (const w of won) expect(read[Number(w.revision)]!.eventId).toBe(w.eventId);
      expect(verifyChain(s, read)._tag).toBe('Right');
    } finally {
      await store.close();
      file.remove();
    }
  }, 60_000);

  it('8 writers on 8 streams in two processes: a reader polling readAll never sees a gap that is filled later', async () => {
    const file = tempDatabase('writers-gap');
    const store = openSqliteStore({ path: file.path, masterKey });
    try {
      const config = { path: file.path, masterKeyHex, writers: 4, appends: 60 };
      const children = ['gap-A', 'gap-B'].map((label) => spawnChild('contend-writer', { ...config, label }));
      const finished = Promise.all(children.map((c) => c.exited));
      let running = true;
      void finished.then(() => (running = false));

      const seen: RecordedEvent[] = [];
      let polls = 0;
      const poll = async () => {
        const after = seen.at(-1)?.position ?? 0n;
        const page = await store.events.readAll({ after, limit: 50 });
        // dense and in order: exactly the positions after the last one seen, nothing skipped
        page.forEach((e, i) => expect(e.position).toBe(after + BigInt(i) + 1n));
        seen.push(...page);
        polls++;
      };
      while (running) {
        await poll();
        await new Promise((r) => setTimeout(r, 1));
      }
      await poll();
      while ((await store.events.readAll({ after: seen.at(-1)!.position })).length > 0) await poll();

      expect((await finished).map((x) => x.code)).toEqual([0, 0]);
      const all = await store.events.readAll({ limit: 10_000 });
      expect(all).toHaveLength(2 * 4 * 60);
      expect(seen.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
      expect(polls).toBeGreaterThan(10);
      const heads = await store.events.streamHeads();
      expect(heads).toHaveLength(8);
      for (const h of heads) {
        expect(h.revision).toBe(59n);
        expect(verifyChain(h.streamId, await store.events.readStream(h.streamId))._tag).toBe('Right');
      }
    } finally {
      await store.close();
      file.remove();
    }
  }, 60_000);
});
