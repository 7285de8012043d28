import type { EventMetadata, Json, RecordedEvent } from '@dossier/core';

/** The columns every event read selects, in the order `decodeEvent` expects them. */
export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash';

/** A row as node-postgres hands it over in array mode: int8 as text, json already parsed. */
export type EventRow = [
  position: string,
  streamId: string,
  revision: string,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: Json,
  metadata: EventMetadata,
  recordedAt: string,
  prevHash: string,
  hash: string,
];

export const decodeEvent = (r: EventRow): RecordedEvent => ({
  streamId: r[1],
  revision: BigInt(r[2]),
  eventId: r[3],
  type: r[4],
  schemaVersion: r[5],
  data: r[6],
  metadata: r[7],
  recordedAt: r[8],
  prevHash: r[9],
  hash: r[10],
  position: BigInt(r[0]),
});

/**
 * The columns a rebuild reads (`readByStream`), in the order of a `ProjectableTuple`: what read models fold,
 * without the event id, the time recorded and the hashes (a third of a typical row's bytes, and four of its
 * eleven values to decode). node-postgres hands such a row over in array mode as the tuple itself.
 */
export const PROJECTABLE_COLUMNS = 'position, stream_id, revision, type, schema_version, data, metadata';
