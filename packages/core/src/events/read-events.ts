import * as t from 'io-ts';
import { struct } from './struct';
import { Actor, IsoDateTime, NonEmpty } from './values';

/**
 * Every read of archive detail (DOMAIN.md §6): recorded in a stream of its own, never the archive's,
 * so reading never changes the archive's revision.
 */
export const ArchiveRead = struct(
  'ArchiveRead',
  { archiveId: NonEmpty, reader: Actor, grant: NonEmpty, at: IsoDateTime },
  { purpose: t.string },
);
export type ArchiveRead = t.TypeOf<typeof ArchiveRead>;

export const readLogStream = (archiveId: string): string => `read-log-${archiveId}`;
export const archiveStream = (archiveId: string): string => `archive-${archiveId}`;
export const ARCHIVE_STREAM_PREFIX = 'archive-';
