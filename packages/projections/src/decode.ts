import { ARCHIVE_STREAM_PREFIX, ArchiveRead, decodeRecorded } from '@dossier/core';
import type { ProjectableEvent } from '@dossier/core';
import type { ProjectedEvent } from './projection';

const READ_LOG_PREFIX = 'read-log-';

export class UndecodableEvent extends Error {
  constructor(
    readonly position: bigint,
    readonly type: string,
    detail: string,
  ) {
    super(`event at position ${position} (${type}) cannot be decoded: ${detail}`);
  }
}

/**
 * One string per archive id: every read model keys its maps by the id, and a string met before has its hash
 * computed and compares by identity. Bounded: forgotten all at once when it grows past the bound.
 */
const ids = new Map<string, string>();
/** The last stream met and its id: a page read stream by stream meets each stream's events together. */
let lastStream = '';
let lastId = '';
const archiveIdOf = (streamId: string): string => {
  if (streamId === lastStream) return lastId;
  let id = ids.get(streamId);
  if (id === undefined) {
    id = streamId.slice(ARCHIVE_STREAM_PREFIX.length);
    if (ids.size >= 100_000) ids.clear();
    ids.set(streamId, id);
  }
  lastStream = streamId;
  lastId = id;
  return id;
};

/** Recorded → projected, personal values left sealed; events of other streams (number reservations) are skipped. */
export const toProjected = (r: ProjectableEvent, validate = true): ProjectedEvent | undefined => {
  if (r.streamId.startsWith(READ_LOG_PREFIX)) {
    const d = ArchiveRead.decode(r.data);
    if (d._tag === 'Left') throw new UndecodableEvent(r.position, r.type, 'not an ArchiveRead');
    return { kind: 'read', archiveId: d.right.archiveId, recorded: r, read: d.right };
  }
  if (!r.streamId.startsWith(ARCHIVE_STREAM_PREFIX)) return undefined;
  const archiveId = archiveIdOf(r.streamId);
  const d = decodeRecorded(r, 'sealed', archiveId, { validate });
  if (d._tag === 'Left') throw new UndecodableEvent(r.position, r.type, d.left.message);
  return { kind: 'archive', archiveId, recorded: r, event: d.right.event };
};
