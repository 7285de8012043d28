/*
 * The in-memory log behind the EventStoreDB protocol stand-in: streams, a global log with non-dense
 * positions, expected-revision checks with the server's idempotency for repeated event ids, and wake-ups
 * for subscriptions. It models what the adapter relies on, not the server's storage engine.
 */

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  readonly streamName: string;
  readonly revision: bigint;
  /** Commit position; equal to the prepare position (no explicit transactions here). */
  readonly position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  readonly created: bigint;
}

export type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOutcome =
  | { readonly ok: true; readonly revision: bigint; readonly position: bigint }
  | { readonly ok: false; readonly current: bigint };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidEvent extends Error {}

export class MemoryLog {
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<() => void>();
  /** The first user event is not at the start of the log (the server writes its own records first). */
  private next = 4096n;

  stream(name: string): readonly StoredEvent[] | undefined {
    return this.streams.get(name);
  }

  /** The last position written (0n when empty). */
  head(): bigint {
    return this.all.at(-1)?.position ?? 0n;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: Expected, events: readonly ProposedEvent[]): AppendOutcome {
    for (const e of events) {
      if (!UUID.test(e.id)) throw new InvalidEvent(`event id ${JSON.stringify(e.id)} is not a UUID`);
      if (!e.type) throw new InvalidEvent('event type is empty');
    }
    const stream = this.streams.get(streamName) ?? [];
    const current = BigInt(stream.length) - 1n;
    const idsAt = (from: bigint) =>
      from >= 0n &&
      from + BigInt(events.length) <= BigInt(stream.length) &&
      events.every((e, i) => stream[Number(from) + i]!.id === e.id);
    // the server's idempotency: the same ids where the expectation says they would have gone
    const replayAt = (from: bigint): AppendOutcome => {
      const last = stream[Number(from) + events.length - 1]!;
      return { ok: true, revision: last.revision, position: last.position };
    };
    if (events.length > 0) {
      if (typeof expected === 'bigint' && expected < current && idsAt(expected + 1n))
        return replayAt(expected + 1n);
      if (expected === 'no_stream' && current >= 0n && idsAt(0n)) return replayAt(0n);
      if ((expected === 'any' || expected === 'stream_exists') && current >= 0n) {
        const first = stream.findIndex((e) => e.id === events[0]!.id);
        if (first >= 0 && idsAt(BigInt(first))) return replayAt(BigInt(first));
      }
    }
    const holds =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1n) ||
      (expected === 'stream_exists' && current >= 0n) ||
      expected === current;
    if (!holds) return { ok: false, current };
    if (events.length === 0) return { ok: true, revision: current, position: this.head() };
    const created = BigInt(Date.now()) * 10_000n;
    for (const e of events) {
      const stored: StoredEvent = {
        ...e,
        streamName,
        revision: BigInt(stream.length),
        position: this.next,
        created,
      };
      // positions are byte offsets in a log: they grow by each record's size, so they are not dense
      this.next += 128n + BigInt(e.data.length + e.metadata.length + streamName.length);
      stream.push(stored);
      this.all.push(stored);
    }
    this.streams.set(streamName, stream);
    for (const wake of [...this.listeners]) wake();
    const last = stream.at(-1)!;
    return { ok: true, revision: last.revision, position: last.position };
  }
}
