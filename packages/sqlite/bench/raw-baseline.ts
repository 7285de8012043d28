import type { Database } from 'better-sqlite3';
import type { Sample } from './bench-events';
import { benchEvent, timed } from './bench-events';

const HASH = 'ab'.repeat(32);

/** better-sqlite3 alone on Dossier's events table (WAL, synchronous=FULL): the figures Dossier is compared with. */
export const rawWriter = (db: Database) => {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let streams = 0;
  const insertRow = (stream: string, revision: number, n: number) => {
    const e = benchEvent(n);
    const data = JSON.stringify(e.data);
    const metadata = JSON.stringify(e.metadata);
    insert.run(stream, revision, e.eventId, e.type, 1, data, metadata, new Date().toISOString(), HASH, HASH);
  };
  const batch = db.transaction((stream: string) => {
    for (let i = 0; i < 100; i++) insertRow(stream, i, i);
  });
  return {
    /** One row per transaction (autocommit). */
    singles: (count: number): Promise<Sample> =>
      timed(count, () => {
        for (let i = 0; i < count; i++) insertRow(`raw-single-${streams++}`, 0, i);
      }),
    /** 100 rows per transaction. */
    batches: (count: number): Promise<Sample> =>
      timed(count * 100, () => {
        for (let b = 0; b < count; b++) batch(`raw-batch-${streams++}`);
      }),
  };
};

/** One SELECT over the whole log in position order, both JSON columns parsed. */
export const rawRead = (db: Database): Promise<Sample> => {
  let count = 0;
  let check = 0;
  return timed(0, () => {
    const rows = db
      .prepare(
        `SELECT position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash
         FROM events ORDER BY position`,
      )
      .iterate() as IterableIterator<{ data: string; metadata: string }>;
    for (const r of rows) {
      const data = JSON.parse(r.data) as { summary?: string };
      const metadata = JSON.parse(r.metadata) as { actor?: unknown };
      if (data.summary && metadata.actor) check++;
      count++;
    }
    if (check !== count) throw new Error('raw read: rows without payload');
  }).then((s) => ({ ...s, events: count }));
};
