import { GENESIS_HASH } from '@dossier/core';
import type { RecordedEvent } from '@dossier/core';

/**
 * What an append needs to know of a stream: its last revision and hash (to seal the new events into the
 * chain) and the ids already in it (to tell a retry from a new write). Events are immutable and streams only
 * grow, so a tail read once is brought up to date by reading the events after it, never the whole stream
 * again. Tails are extended in place, only ever with the next revision, so appends that refresh the same tail
 * concurrently cannot corrupt it.
 */
export interface StreamTail {
  revision: bigint;
  hash: string;
  readonly ids: Map<string, bigint>;
}

export const emptyTail = (): StreamTail => ({ revision: -1n, hash: GENESIS_HASH, ids: new Map() });

/** Extend a tail with events read from its stream; false when they leave a gap (the tail is then unusable). */
export const extendTail = (tail: StreamTail, events: readonly RecordedEvent[]): boolean => {
  for (const e of events) {
    if (e.revision <= tail.revision) continue;
    if (e.revision !== tail.revision + 1n) return false;
    tail.ids.set(e.eventId, e.revision);
    tail.revision = e.revision;
    tail.hash = e.hash;
  }
  return true;
};

/** The tails of the streams this process used last (least recently used first out). */
export const streamTails = (capacity: number) => {
  const tails = new Map<string, StreamTail>();
  return {
    get(streamId: string): StreamTail | undefined {
      const tail = tails.get(streamId);
      if (tail) {
        tails.delete(streamId);
        tails.set(streamId, tail);
      }
      return tail;
    },
    getOrCreate(streamId: string): StreamTail {
      const known = this.get(streamId);
      if (known) return known;
      const tail = emptyTail();
      tails.set(streamId, tail);
      if (tails.size > capacity) tails.delete(tails.keys().next().value!);
      return tail;
    },
    forget(streamId: string): void {
      tails.delete(streamId);
    },
  };
};

export type StreamTails = ReturnType<typeof streamTails>;
