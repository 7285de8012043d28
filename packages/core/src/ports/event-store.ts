import type { Either } from 'fp-ts/Either';

/** JSON values as they are stored: the only shape event data and metadata may take. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Who did it: every event names its actor (DOMAIN.md §2, metadata). */
export interface ActorRef {
  readonly id: string;
  readonly role: string;
  readonly department: string;
  readonly name?: string;
}

export interface EventMetadata {
  readonly actor: ActorRef;
  /** When it happened in the world (ISO-8601 UTC). */
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The command that produced the event; the handler's idempotency key. */
  readonly commandId?: string;
  /** Why, where a person made a decision. */
  readonly reason?: string;
}

/** An event as a writer hands it to the store (already encoded and, where personal, encrypted). */
export interface EventToAppend {
  /** Unique id; deterministic ids make retried appends idempotent. */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Json;
  readonly metadata: EventMetadata;
}

/** An event as the store keeps it: sealed into its stream's hash chain. */
export interface RecordedEvent extends EventToAppend {
  readonly streamId: string;
  /** 0-based position inside the stream. */
  readonly revision: bigint;
  /**
   * Position in the global log: strictly increasing in the order readers see events, not necessarily dense
   * (SQLite and PostgreSQL count 1, 2, 3…; EventStoreDB uses commit positions, which are byte offsets).
   */
  readonly position: bigint;
  /** When the store recorded it (ISO-8601 UTC). */
  readonly recordedAt: string;
  /** sha-256 (hex) of the previous event of the stream; all zeros for revision 0. */
  readonly prevHash: string;
  /** sha-256 (hex) of this event's canonical bytes, prevHash included. */
  readonly hash: string;
}

/**
 * An event as a rebuild reads it (`readByStream`): what read models fold — where it stands, its type, version,
 * data and metadata — without what only the verification of the hash chain needs (the event id, the time
 * recorded, the hashes), which a rebuild would read and decode for nothing.
 */
export type ProjectableEvent = Pick<
  RecordedEvent,
  'streamId' | 'revision' | 'position' | 'type' | 'schemaVersion' | 'data' | 'metadata'
>;

/** What a writer expects of the stream before its append. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendResult {
  readonly streamId: string;
  /** The revision of the last event now in the stream. */
  readonly nextRevision: bigint;
  /** The global position of the last event written (or of the earlier write, when the append was a replay). */
  readonly position: bigint;
  /** The events as recorded (the earlier ones when the append was an idempotent replay). */
  readonly events: readonly RecordedEvent[];
}

export interface ConcurrencyConflict {
  readonly _tag: 'ConcurrencyConflict';
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  /** The stream's current revision; -1n when the stream does not exist. */
  readonly actual: bigint;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  /** Inclusive upper bound. */
  readonly toRevision?: bigint;
  /** Only events recorded at or before this ISO time (as-of replay). */
  readonly until?: string;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this global position (0n = from the start). */
  readonly after?: bigint;
  readonly limit?: number;
  readonly streamPrefix?: string;
  readonly types?: readonly string[];
}

/** A place in the log read stream by stream: after this stream's event at this revision. */
export interface StreamCursor {
  readonly streamId: string;
  readonly revision: bigint;
}

export interface ReadByStreamOptions {
  /** Exclusive: the events after this one, in the store's order of streams (default: from the first). */
  readonly after?: StreamCursor;
  /** Inclusive: only events at or below this global position, which must not be above `headPosition()`. */
  readonly upTo: bigint;
  readonly limit?: number;
  /**
   * The only event types whose metadata the caller reads (default: every type). A store may then leave the
   * other events' metadata unread: reading it throws `MetadataNotRead`, naming the event. A rebuild asks for
   * the types its read models declare (`Projection.readsMetadataOf`): metadata is the larger part of a
   * typical event, and most read models never look at it.
   */
  readonly metadataOf?: readonly string[];
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'limit'> {
  /** Page size of the catch-up reads. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * The EventStore port. Every adapter (memory, SQLite, PostgreSQL, EventStoreDB) passes the one contract suite
 * exported from `@dossier/core/testing`.
 *
 * - `append` is atomic: all events or none. A broken expectation is a value (`Left<ConcurrencyConflict>`),
 *   never a partial write. Appending events whose ids are already in the stream (a retry) writes nothing and
 *   answers with the events recorded the first time.
 * - The store seals events into the stream's hash chain with `sealEvents` from the core.
 * - `readAll` never returns an event at a position lower than one it returned before: a reader that has seen
 *   position p will never find a new event below p later.
 */
export interface EventStore {
  append(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<Either<ConcurrencyConflict, AppendResult>>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  /**
   * Optional: the log up to a position, stream by stream — each stream's events together, in revision order,
   * the streams in an order of the store's choosing that stays the same between calls. A rebuild whose read
   * models depend only on the order within each stream reads this way to fold each archive once. Positions
   * at or below `headPosition()` are final, so the events it returns up to such a position never change.
   * It may leave out of each event what only verification needs (see `ProjectableEvent`).
   */
  readByStream?(options: ReadByStreamOptions): Promise<readonly ProjectableEvent[]>;
  /** Catch-up from `after`, then live; ends when `signal` aborts. */
  subscribe(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** The highest global position a reader may see now (0n when empty). */
  headPosition(): Promise<bigint>;
  /** Stream ids with their last revision and hash (for digests and whole-log verification). */
  streamHeads(): Promise<readonly StreamHead[]>;
  close(): Promise<void>;
}

export interface StreamHead {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly hash: string;
}

export const conflict = (
  streamId: string,
  expected: ExpectedRevision,
  actual: bigint,
): ConcurrencyConflict => ({
  _tag: 'ConcurrencyConflict',
  streamId,
  expected,
  actual,
});

/** Does a stream at `actual` (-1n: absent) satisfy the expectation? Shared by every adapter. */
export const expectationHolds = (expected: ExpectedRevision, actual: bigint): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1n;
    case 'stream_exists':
      return actual >= 0n;
    default:
      return actual === expected;
  }
};
