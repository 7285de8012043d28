import type { EventMetadata, Json, RecordedEvent } from '@dossier/core';

/** The columns of `events`, in the order every read selects them. */
export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash';

/** A row of `events` as better-sqlite3 answers it in raw mode with safe integers. */
export type EventRow = [
  position: bigint,
  streamId: string,
  revision: bigint,
  eventId: string,
  type: string,
  schemaVersion: bigint,
  data: string,
  metadata: string,
  recordedAt: string,
  prevHash: string,
  hash: string,
];

/**
 * Stored JSON back to a value. Text that is not JSON (a row edited behind the store's back) comes back as the
 * text itself, so that `verifyChain` reports the broken link at its position instead of the read throwing.
 */
const parseJson = (text: string): Json => {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
};

export const toRecordedEvent = (r: EventRow): RecordedEvent => ({
  streamId: r[1],
  revision: r[2],
  position: r[0],
  eventId: r[3],
  type: r[4],
  schemaVersion: Number(r[5]),
  data: parseJson(r[6]),
  metadata: parseJson(r[7]) as unknown as EventMetadata,
  recordedAt: r[8],
  prevHash: r[9],
  hash: r[10],
});
