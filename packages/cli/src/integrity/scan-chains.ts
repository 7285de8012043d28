import type { BrokenLink, EventStore, StreamHead } from '@dossier/core';
import { GENESIS_HASH, verifyChain } from '@dossier/core';

export interface ChainScan {
  readonly events: number;
  /** Each stream's last event up to the scan's end. */
  readonly heads: ReadonlyMap<string, StreamHead>;
  /** The first link that does not hold, in global order. */
  readonly broken?: BrokenLink;
}

const PAGE = 1000;

/**
 * Read the global log up to `until` in order and recompute every stream's chain as it goes (the core's
 * `verifyChain`, one link at a time from the stream's previous head): the heads, and the first broken link.
 * The same walk as the API's log scan (packages/api/src/integrity/log-scan.ts), kept here so that `verify`
 * does not load the API (and NestJS) to do it.
 */
export const scanChains = async (events: EventStore, until: bigint): Promise<ChainScan> => {
  const heads = new Map<string, StreamHead>();
  let after = 0n;
  let count = 0;
  for (;;) {
    const page = await events.readAll({ after, limit: PAGE });
    for (const e of page) {
      if (e.position > until) return { events: count, heads };
      const prev = heads.get(e.streamId);
      const checked = verifyChain(
        e.streamId,
        [e],
        prev ? { revision: prev.revision, hash: prev.hash } : { revision: -1n, hash: GENESIS_HASH },
      );
      if (checked._tag === 'Left') return { events: count, heads, broken: checked.left };
      heads.set(e.streamId, {
        streamId: e.streamId,
        revision: e.revision,
        position: e.position,
        hash: e.hash,
      });
      count += 1;
      after = e.position;
    }
    if (page.length < PAGE) return { events: count, heads };
  }
};
