import { hash } from 'node:crypto';
import type { EventToAppend, RecordedEvent } from '../ports/event-store';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

/** The part of a recorded event that the hash covers: everything but the hash and the global position. */
const hashedBytes = (e: Omit<RecordedEvent, 'hash' | 'position'>): string =>
  canonicalJson({
    streamId: e.streamId,
    revision: e.revision.toString(),
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
    prevHash: e.prevHash,
  });

export const hashEvent = (e: Omit<RecordedEvent, 'hash' | 'position'>): string =>
  hash('sha256', hashedBytes(e), 'hex');

export type SealedEvent = Omit<RecordedEvent, 'position'>;

/**
 * Seal events into a stream's hash chain. Stores call this inside their append transaction, with the
 * stream's last revision and hash, so every adapter chains the same way.
 */
export const sealEvents = (
  streamId: string,
  lastRevision: bigint,
  lastHash: string,
  events: readonly EventToAppend[],
  recordedAt: string,
): SealedEvent[] => {
  const sealed: SealedEvent[] = [];
  let prevHash = lastRevision < 0n ? GENESIS_HASH : lastHash;
  let revision = lastRevision;
  for (const e of events) {
    revision += 1n;
    const unsealed = {
      streamId,
      revision,
      eventId: e.eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: e.metadata,
      recordedAt,
      prevHash,
    };
    const hash = hashEvent(unsealed);
    sealed.push({ ...unsealed, hash });
    prevHash = hash;
  }
  return sealed;
};
