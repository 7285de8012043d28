import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '@dossier/core';
import type { SqliteStore } from '@dossier/sqlite';
import { benchEvent } from './bench-events';

/**
 * A log of `total` events for the read benchmark. The first `appended` go through `append` (1000-event
 * appends from 8 writers: sealed, chained); the rest are SQL copies of those rows under other stream ids,
 * which reads exactly like them and saves minutes of hashing (their chains are not meant to verify).
 */
export const fillLog = async (store: SqliteStore, total: number, appended: number): Promise<void> => {
  let remaining = Math.min(total, appended);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const s = `archive-${randomUUID()}`;
      let expected: ExpectedRevision = 'no_stream';
      while (remaining > 0) {
        const n = Math.min(1000, remaining);
        remaining -= n;
        const res = await store.events.append(
          s,
          Array.from({ length: n }, (_, i) => benchEvent(i)),
          expected,
        );
        if (res._tag === 'Left') throw new Error('fill: unexpected conflict');
        expected = res.right.nextRevision;
      }
    }),
  );
  const original = Number(await store.events.headPosition());
  const copy = store.db.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
     SELECT stream_id || '/copy-' || ?, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash
     FROM events WHERE position <= ? ORDER BY position LIMIT ?`,
  );
  for (let round = 1, count = original; count < total; round++) {
    const n = Math.min(original, total - count);
    store.db.transaction(() => copy.run(round, original, n))();
    count += n;
  }
};
