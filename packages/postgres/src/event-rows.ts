import type { EventMetadata, Json, ProjectableEvent, RecordedEvent } from '@dossier/core';
import { LazyProjectableEvent } from '@dossier/core';

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
 * What a rebuild reads of each event (`readByStream`): what read models fold, without the event id, the time
 * recorded and the hashes (a third of a typical row's bytes). All but data and metadata come as one text,
 * "<position> <revision> <version> <type's bytes> <type><stream id>": node-postgres decodes each value of a
 * row apart, at a cost per value that for these short ones outweighs the bytes (measured on 1M events, the
 * folding thread's CPU for the read fell by about a seventh against seven values a row; joining them costs the
 * server less than that). The type's length in UTF-8 bytes, whatever the database's encoding counts
 * characters in, marks where the stream id begins. The metadata comes as text, parsed when a read model first
 * reads it (see `LazyProjectableEvent`).
 */
export const PROJECTABLE_COLUMNS =
  "position || ' ' || revision || ' ' || schema_version || ' ' || octet_length(type) || ' ' || type || stream_id, data, metadata::text";

/**
 * `PROJECTABLE_COLUMNS` with the metadata of only the types in the text array bound as `$<parameter>` (the
 * others' is null: `ReadByStreamOptions.metadataOf`). Most events' metadata was most of the bytes a rebuild
 * read and decoded, for no read model (measured, 1M events: the folding thread's CPU for the read fell by a
 * quarter, its collections' time by half).
 */
export const projectableColumnsWithMetadataOf = (parameter: number): string =>
  PROJECTABLE_COLUMNS.replace(
    /, metadata::text$/,
    `, CASE WHEN type = ANY ($${parameter}::text[]) THEN metadata::text END`,
  );

/**
 * A row of `PROJECTABLE_COLUMNS` in array mode: the joined text, data (parsed) and the metadata's text (null
 * when it was not asked for).
 */
export type ProjectableRow = [head: string, data: Json, metadata: string | null];

/** Anything but printable ASCII, tab and line ends: such a type is cut by its bytes (exact for any text). */
const NOT_ASCII = /[^ -~\t\n\r]/;

export const fromProjectableRow = (r: ProjectableRow): ProjectableEvent => {
  const head = r[0];
  const a = head.indexOf(' ');
  const b = head.indexOf(' ', a + 1);
  const c = head.indexOf(' ', b + 1);
  const d = head.indexOf(' ', c + 1);
  // the four numbers hold no space
  if (a < 1 || b < a + 2 || c < b + 2 || d < c + 2) throw new Error(`unreadable event row: ${head}`);
  const length = Number(head.slice(c + 1, d));
  let type = head.slice(d + 1, d + 1 + length);
  let streamId: string;
  if (NOT_ASCII.test(type)) {
    // a type beyond ASCII: its length counts bytes, not characters
    const rest = Buffer.from(head.slice(d + 1));
    type = rest.subarray(0, length).toString();
    streamId = rest.subarray(length).toString();
  } else streamId = head.slice(d + 1 + length);
  return new LazyProjectableEvent(
    streamId,
    BigInt(head.slice(a + 1, b)),
    BigInt(head.slice(0, a)),
    type,
    Number(head.slice(b + 1, c)),
    r[1],
    r[2] ?? undefined,
  );
};
