/** A stream's last revision and hash, as this process last saw them. */
export interface KnownHead {
  readonly revision: bigint;
  readonly hash: string;
}

/**
 * Heads this process has read or written, so that an append can be sealed before it reaches the server and
 * land in one round trip. Only a guess: the server checks it under the stream's row lock and answers with the
 * true head when it is stale, so a wrong entry costs one round trip, never a broken chain.
 */
export const streamHeadCache = (capacity = 10_000) => {
  const heads = new Map<string, KnownHead>();
  return {
    get(streamId: string): KnownHead | undefined {
      return heads.get(streamId);
    },
    set(streamId: string, head: KnownHead): void {
      heads.delete(streamId);
      heads.set(streamId, head);
      if (heads.size > capacity) heads.delete(heads.keys().next().value!);
    },
    forget(streamId: string): void {
      heads.delete(streamId);
    },
  };
};

export type StreamHeadCache = ReturnType<typeof streamHeadCache>;
