import type { EventMetadata, Json, ProjectableEvent, RecordedEvent } from '@dossier/core';

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
 * The columns a rebuild reads (`readByStream`), in the order `decodeProjectable` expects them: what read
 * models fold, without the event id, the time recorded and the hashes (a third of a typical row's bytes, and
 * four of its eleven values to decode).
 */
export const PROJECTABLE_COLUMNS = 'position, stream_id, revision, type, schema_version, data, metadata';

/** Such a row as node-postgres hands it over in array mode. */
export type ProjectableRow = [
  position: string,
  streamId: string,
  revision: string,
  type: string,
  schemaVersion: number,
  data: Json,
  metadata: EventMetadata,
];

export const decodeProjectable = (r: ProjectableRow): ProjectableEvent => ({
  streamId: r[1],
  revision: BigInt(r[2]),
  position: BigInt(r[0]),
  type: r[3],
  schemaVersion: r[4],
  data: r[5],
  metadata: r[6],
});
