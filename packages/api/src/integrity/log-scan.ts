import type { BrokenLink, EventStore, RecordedEvent } from '@dossier/core';
import { GENESIS_HASH, verifyChain } from '@dossier/core';

export interface Head {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly hash: string;
}

export interface ScanResult {
  readonly events: number;
  readonly heads: Map<string, Head>;
  /** The first link that does not hold, in global order. */
  readonly broken?: BrokenLink;
}

const PAGE = 1000;

/**
 * Read the global log up to `until` in order, recomputing every stream's hash chain as it goes: the stream
 * heads as of that position, and the first broken link if any.
 */
export const scanLog = async (store: EventStore, until: bigint): Promise<ScanResult> => {
  const heads = new Map<string, Head>();
  let after = 0n;
  let events = 0;
  for (;;) {
    const page: readonly RecordedEvent[] = await store.readAll({ after, limit: PAGE });
    for (const e of page) {
      if (e.position > until) return { events, heads };
      const prev = heads.get(e.streamId);
      const check = verifyChain(
        e.streamId,
        [e],
        prev ? { revision: prev.revision, hash: prev.hash } : { revision: -1n, hash: GENESIS_HASH },
      );
      if (check._tag === 'Left') return { events, heads, broken: check.left };
      heads.set(e.streamId, {
        streamId: e.streamId,
        revision: e.revision,
        position: e.position,
        hash: e.hash,
      });
      events += 1;
      after = e.position;
    }
    if (page.length < PAGE) return { events, heads };
  }
};

export const brokenLinkBody = (b: BrokenLink) => ({
  streamId: b.streamId,
  revision: b.revision.toString(),
  position: b.position.toString(),
  eventType: b.eventType,
  reason: b.reason,
  message: b.message,
});
