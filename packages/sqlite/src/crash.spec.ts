import type { RecordedEvent } from '@dossier/core';
import { verifyChain } from '@dossier/core';
import { openSqliteStore } from './open-sqlite-store';
import { tempDatabase } from './testing';
import { spawnChild } from './testing/child-process';
import { masterKey, masterKeyHex } from './testing/fixtures';

interface Ack {
  streamId: string;
  positions: string[];
  ids: string[];
}

const RUNS = Number(process.env.DOSSIER_CRASH_RUNS ?? 24);

describe('crash safety (synchronous=FULL, WAL)', () => {
  it(`SIGKILL at random times (${RUNS} runs): every acknowledged append survives and every stream's chain verifies`, async () => {
    const file = tempDatabase('crash');
    const acked: Ack[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        const child = spawnChild('append-loop', { path: file.path, masterKeyHex, streams: 6, loops: 4 });
        await child.waitFor((l) => l === 'ready');
        await new Promise((r) => setTimeout(r, Math.random() * 250));
        await child.kill();
        const acks = child.lines
          .filter((l) => l.startsWith('ack '))
          .map((l) => JSON.parse(l.slice(4)) as Ack);
        acked.push(...acks);

        // reopen the file the killed process left behind: recovery, then check everything acknowledged so far
        const store = openSqliteStore({ path: file.path, masterKey });
        try {
          const log = await store.events.readAll({ limit: 1_000_000 });
          const byPosition = new Map(log.map((e) => [e.position.toString(), e]));
          const lost = acked.flatMap((a) =>
            a.positions.filter((p, i) => {
              const e = byPosition.get(p);
              return e?.eventId !== a.ids[i] || e?.streamId !== a.streamId;
            }),
          );
          expect(lost).toEqual([]);
          // the log is dense: nothing half-written in between
          expect(log.map((e) => e.position)).toEqual(log.map((_, i) => BigInt(i + 1)));
          const streams = new Map<string, RecordedEvent[]>();
          for (const e of log) {
            const events = streams.get(e.streamId) ?? [];
            events.push(e);
            streams.set(e.streamId, events);
          }
          for (const [streamId, events] of streams) {
            const verified = verifyChain(streamId, events);
            expect(verified._tag).toBe('Right');
          }
          for (const head of await store.events.streamHeads()) {
            const last = streams.get(head.streamId)!.at(-1)!;
            expect([head.revision, head.position, head.hash]).toEqual([
              last.revision,
              last.position,
              last.hash,
            ]);
          }
        } finally {
          await store.close();
        }
      }
      // the kills did land while appends were acknowledged, and across many runs
      expect(acked.length).toBeGreaterThan(RUNS);
    } finally {
      file.remove();
    }
  }, 60_000);
});
