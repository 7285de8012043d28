import type { Either } from 'fp-ts/Either';
import { left, right } from 'fp-ts/Either';
import type { RecordedEvent } from '../ports/event-store';
import { GENESIS_HASH, hashEvent } from './hash-chain';

export type BrokenLinkReason = 'hash-mismatch' | 'previous-hash-mismatch' | 'revision-gap' | 'wrong-stream';

/** The first place where a stream's chain does not hold. */
export interface BrokenLink {
  readonly _tag: 'BrokenLink';
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly eventType: string;
  readonly reason: BrokenLinkReason;
  readonly message: string;
}

export interface VerifiedChain {
  readonly streamId: string;
  readonly events: number;
  readonly headRevision: bigint;
  readonly headHash: string;
}

const broken = (e: RecordedEvent, reason: BrokenLinkReason, message: string): BrokenLink => ({
  _tag: 'BrokenLink',
  streamId: e.streamId,
  revision: e.revision,
  position: e.position,
  eventType: e.type,
  reason,
  message: `${e.streamId}@${e.revision} (global position ${e.position}, ${e.type}): ${message}`,
});

/**
 * Recompute one stream's chain from revision 0 (or from a trusted `start` link) and report the first
 * broken link. Any change to any stored byte of an event changes its hash, and so breaks the chain there.
 */
export const verifyChain = (
  streamId: string,
  events: readonly RecordedEvent[],
  start: { revision: bigint; hash: string } = { revision: -1n, hash: GENESIS_HASH },
): Either<BrokenLink, VerifiedChain> => {
  let expectedPrev = start.hash;
  let expectedRevision = start.revision + 1n;
  for (const e of events) {
    if (e.streamId !== streamId) return left(broken(e, 'wrong-stream', `belongs to ${e.streamId}`));
    if (e.revision !== expectedRevision)
      return left(broken(e, 'revision-gap', `expected revision ${expectedRevision}`));
    if (e.prevHash !== expectedPrev)
      return left(broken(e, 'previous-hash-mismatch', 'does not link to the event before it'));
    const actual = hashEvent(e);
    if (actual !== e.hash) return left(broken(e, 'hash-mismatch', 'its content does not match its hash'));
    expectedPrev = e.hash;
    expectedRevision += 1n;
  }
  return right({
    streamId,
    events: events.length,
    headRevision: expectedRevision - 1n,
    headHash: expectedPrev,
  });
};
