import type { EventMetadata, Json, RecordedEvent } from '@dossier/core';
import { ARCHIVE_STREAM_PREFIX } from '@dossier/core';
import type { PersonalValues } from '../personal/personal-values';

const READ_LOG_PREFIX = 'read-log-';

/** The archive a stream belongs to: its events (`archive-<id>`) or its read log (`read-log-<id>`). */
export const archiveOfStream = (streamId: string): string | undefined =>
  streamId.startsWith(ARCHIVE_STREAM_PREFIX)
    ? streamId.slice(ARCHIVE_STREAM_PREFIX.length)
    : streamId.startsWith(READ_LOG_PREFIX)
      ? streamId.slice(READ_LOG_PREFIX.length)
      : undefined;

/** One event of the log as an auditor gets it: as stored (hashes included), personal values resolved. */
export interface ExportRecord {
  readonly position: string;
  readonly recordedAt: string;
  readonly streamId: string;
  readonly archiveId: string | null;
  readonly revision: string;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
  readonly data: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

export const exportRecord = async (r: RecordedEvent, personal: PersonalValues): Promise<ExportRecord> => {
  const archiveId = archiveOfStream(r.streamId);
  return {
    position: r.position.toString(),
    recordedAt: r.recordedAt,
    streamId: r.streamId,
    archiveId: archiveId ?? null,
    revision: r.revision.toString(),
    eventId: r.eventId,
    type: r.type,
    schemaVersion: r.schemaVersion,
    metadata: r.metadata,
    data: await personal.resolve(r.data as Json, archiveId),
    prevHash: r.prevHash,
    hash: r.hash,
  };
};
