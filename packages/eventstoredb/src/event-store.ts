import type {
  AppendResult,
  Clock,
  ConcurrencyConflict,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  RecordedEvent,
  StreamHead,
} from '@dossier/core';
import { conflict, expectationHolds, sealEvents, systemClock } from '@dossier/core';
import type { EsdbConnection, EsdbFilter, EsdbRecord } from './client';
import { connectEventStoreDb } from './client';
import { fromEsdbRecord, toEsdbEvent } from './codec';
import type { StreamTail } from './stream-tails';
import { extendTail, streamTails } from './stream-tails';

export interface EventStoreDbOptions {
  /** Connection string: `esdb://host:2113?tls=false`, `esdb+discover://…` (a cluster), or `kurrentdb://…`. */
  readonly url: string;
  /** Where recorded times (part of every hash) come from (default: the system clock). */
  readonly clock?: Clock;
  /**
   * A namespace on a shared server: prepended to every stream name in EventStoreDB and stripped again on the
   * way back, and `$all` reads only see streams under it. Default none: the stream `archive-<id>` is the
   * EventStoreDB stream `archive-<id>`.
   */
  readonly streamPrefix?: string;
  /** How many streams' tails (last revision, hash, event ids) to keep between appends (default 1000). */
  readonly cachedStreams?: number;
  /** Attempts for an append expecting `any` or `stream_exists` when other writers keep moving the stream (default 20). */
  readonly maxAppendAttempts?: number;
}

export interface EventStoreDbEventStore extends EventStore {
  readonly streamPrefix: string;
}

type AppendEither = Awaited<ReturnType<EventStore['append']>>;
// fp-ts is the core's dependency, not this package's: its two constructors, on its public representation
const appendLeft = (c: ConcurrencyConflict): AppendEither => ({ _tag: 'Left', left: c });
const appendRight = (r: AppendResult): AppendEither => ({ _tag: 'Right', right: r });

const PAGE = 1000;
const clampPage = (n: number): number => Math.max(2, Math.min(PAGE, n));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The EventStore port on an EventStoreDB connection (see `openEventStoreDb`). */
export const eventStoreDbEventStore = (
  connection: EsdbConnection,
  options: Omit<EventStoreDbOptions, 'url'> = {},
): EventStoreDbEventStore => {
  const clock = options.clock ?? systemClock;
  const namespace = options.streamPrefix ?? '';
  const maxAttempts = Math.max(1, options.maxAppendAttempts ?? 20);
  const tails = streamTails(options.cachedStreams ?? 1000);
  const nameOf = (streamId: string) => namespace + streamId;

  /** A server record as a Dossier event; undefined when it is not one (system, foreign, outside the namespace). */
  const recorded = (r: EsdbRecord): RecordedEvent | undefined => {
    if (!r.streamName.startsWith(namespace)) return undefined;
    const e = fromEsdbRecord(r, r.streamName.slice(namespace.length), r.position ?? -1n);
    if (e && r.position === undefined)
      throw new Error(
        `EventStoreDB sent no $all position for event ${r.id} of stream ${r.streamName}: ` +
          'Dossier needs a server that sends positions on stream reads (EventStoreDB 22.10 or later)',
      );
    return e;
  };

  const readRecorded = async (
    streamId: string,
    from: bigint,
    maxCount?: bigint,
  ): Promise<RecordedEvent[]> => {
    const records = await connection.readStream(nameOf(streamId), from, maxCount);
    return records.map((r) => {
      const e = recorded(r);
      if (!e)
        throw new Error(`event ${r.id} of stream ${r.streamName} is not a Dossier event (no chain metadata)`);
      return e;
    });
  };

  /** Bring the stream's tail up to date: read only the events after the revision this process knew. */
  const refresh = async (streamId: string): Promise<StreamTail> => {
    const tail = tails.getOrCreate(streamId);
    const fresh = await readRecorded(streamId, tail.revision + 1n);
    if (extendTail(tail, fresh)) return tail;
    // a gap: the stream is not the one this process knew (deleted, truncated); start again from nothing
    tails.forget(streamId);
    const whole = tails.getOrCreate(streamId);
    if (!extendTail(whole, await readRecorded(streamId, 0n)))
      throw new Error(`stream ${streamId} has a gap in its revisions`);
    return whole;
  };

  /** The answer to a retried append: the events as they were recorded the first time. */
  const replay = async (
    streamId: string,
    revisions: readonly bigint[],
    ids: ReadonlySet<string>,
    current: bigint,
  ): Promise<AppendResult> => {
    const first = revisions.reduce((a, b) => (b < a ? b : a));
    const last = revisions.reduce((a, b) => (b > a ? b : a));
    const earlier = (await readRecorded(streamId, first, last - first + 1n)).filter((e) =>
      ids.has(e.eventId),
    );
    return { streamId, nextRevision: current, position: earlier.at(-1)!.position, events: earlier };
  };

  const append = async (
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendEither> => {
    const ids = new Set(events.map((e) => e.eventId));
    if (ids.size !== events.length) throw new TypeError(`an append to ${streamId} repeats an event id`);
    // an expectation of `any` / `stream_exists` survives other writers; an exact one (or `no_stream`) gets
    // one more look, which turns a lost race into a conflict with the stream's new revision, or into a
    // replay when the winner wrote these very events
    const retries = expected === 'any' || expected === 'stream_exists';
    const attempts = retries ? maxAttempts : 2;
    let actual = -1n;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const tail = await refresh(streamId);
      actual = tail.revision;
      const earlier = events.flatMap((e) => {
        const revision = tail.ids.get(e.eventId);
        return revision === undefined ? [] : [revision];
      });
      if (events.length > 0 && earlier.length === events.length)
        return appendRight(await replay(streamId, earlier, ids, actual));
      // a partial overlap is not a retry: refuse it rather than write an event id twice
      if (earlier.length > 0 || !expectationHolds(expected, actual))
        return appendLeft(conflict(streamId, expected, actual));
      if (events.length === 0)
        return appendRight({ streamId, nextRevision: actual, position: 0n, events: [] });

      // no transaction spans the chain read and the write: the write expects exactly the revision the chain
      // was read at, so the server refuses it if anything came in between
      const sealed = sealEvents(streamId, actual, tail.hash, events, clock.now().toISOString());
      const outcome = await connection.append(
        nameOf(streamId),
        sealed.map(toEsdbEvent),
        actual < 0n ? 'no_stream' : actual,
      );
      if (outcome.ok) {
        const written = await readRecorded(streamId, actual + 1n, BigInt(events.length));
        // the server may answer an append of ids it already holds at that revision as a success (its own
        // idempotency): then these are the events another writer recorded first, which is the answer too
        if (written.length !== events.length || written.some((e) => !ids.has(e.eventId)))
          throw new Error(
            `append to ${streamId} succeeded but its events are not at revision ${actual + 1n}`,
          );
        extendTail(tail, written);
        return appendRight({
          streamId,
          nextRevision: written.at(-1)!.revision,
          position: written.at(-1)!.position,
          events: written,
        });
      }
      actual = outcome.actual;
      if (outcome.actual < tail.revision) tails.forget(streamId);
      if (retries && attempt < attempts) await pause(Math.random() * 4 * attempt);
    }
    return appendLeft(conflict(streamId, expected, actual));
  };

  /** The server-side filter for a read of `$all`: one of stream name or event type, never both. */
  const serverFilter = (streamPrefix?: string, types?: readonly string[]): EsdbFilter => {
    const prefix = namespace + (streamPrefix ?? '');
    if (prefix) return { on: 'stream', prefixes: [prefix] };
    if (types && types.length > 0) return { on: 'type', prefixes: [...types] };
    return { on: 'type', regex: '^[^$]' };
  };

  /** The rest of the filter, checked here: exact types, the caller's prefix, no system or foreign event. */
  const wanted =
    (streamPrefix?: string, types?: readonly string[]) =>
    (e: RecordedEvent): boolean =>
      (!streamPrefix || e.streamId.startsWith(streamPrefix)) &&
      (!types || types.length === 0 || types.includes(e.type));

  /**
   * Page through `$all` in one direction. Reads from a position include the event there, so each page
   * starts at the last position seen and skips it.
   */
  async function* scan(o: {
    direction: 'forwards' | 'backwards';
    after?: bigint;
    filter: EsdbFilter;
    accept: (e: RecordedEvent) => boolean;
    pageSize: number;
  }): AsyncGenerator<RecordedEvent> {
    const forwards = o.direction === 'forwards';
    let boundary = o.after;
    for (;;) {
      const from = boundary === undefined ? 'end' : boundary === 0n && forwards ? 'start' : boundary;
      let count = 0;
      let last: bigint | undefined;
      for await (const r of connection.readAll({
        from,
        direction: o.direction,
        maxCount: o.pageSize,
        filter: o.filter,
      })) {
        count++;
        if (r.position === undefined) continue;
        last = r.position;
        if (boundary !== undefined && boundary !== 0n && (forwards ? last <= boundary : last >= boundary))
          continue;
        const e = recorded(r);
        if (e && o.accept(e)) yield e;
      }
      if (count < o.pageSize || last === undefined || last === boundary) return;
      boundary = last;
    }
  }

  const store: EventStoreDbEventStore = {
    streamPrefix: namespace,
    append,

    async readStream(streamId, { fromRevision = 0n, toRevision, until } = {}) {
      const from = fromRevision < 0n ? 0n : fromRevision;
      if (toRevision !== undefined && toRevision < from) return [];
      const events = await readRecorded(
        streamId,
        from,
        toRevision === undefined ? undefined : toRevision - from + 1n,
      );
      // a whole stream read is the tail's refresh for free (the command handler reads before it appends)
      if (from === 0n && toRevision === undefined && !extendTail(tails.getOrCreate(streamId), events))
        tails.forget(streamId);
      return until === undefined ? events : events.filter((e) => e.recordedAt <= until);
    },

    async readAll({ after = 0n, limit = 1000, streamPrefix, types } = {}) {
      const out: RecordedEvent[] = [];
      if (limit <= 0) return out;
      for await (const e of scan({
        direction: 'forwards',
        after,
        filter: serverFilter(streamPrefix, types),
        accept: wanted(streamPrefix, types),
        pageSize: clampPage(limit + 1),
      })) {
        out.push(e);
        if (out.length >= limit) break;
      }
      return out;
    },

    async *subscribe({ after = 0n, streamPrefix, types, signal } = {}) {
      const accept = wanted(streamPrefix, types);
      let seen = after;
      for await (const r of connection.subscribeAll({
        after,
        filter: serverFilter(streamPrefix, types),
        signal,
      })) {
        if (signal?.aborted) return;
        if (r.position === undefined || r.position <= seen) continue;
        const e = recorded(r);
        if (!e || !accept(e)) continue;
        seen = e.position;
        yield e;
      }
    },

    async headPosition() {
      for await (const e of scan({
        direction: 'backwards',
        filter: serverFilter(),
        accept: () => true,
        pageSize: 32,
      }))
        return e.position;
      return 0n;
    },

    async streamHeads() {
      const heads = new Map<string, StreamHead>();
      for await (const e of scan({
        direction: 'forwards',
        after: 0n,
        filter: serverFilter(),
        accept: () => true,
        pageSize: PAGE,
      }))
        heads.set(e.streamId, {
          streamId: e.streamId,
          revision: e.revision,
          position: e.position,
          hash: e.hash,
        });
      return [...heads.values()];
    },

    close: () => connection.close(),
  };
  return store;
};

/** Open the EventStore port on an EventStoreDB / KurrentDB server; fails at once when it cannot be reached. */
export const openEventStoreDb = async (options: EventStoreDbOptions): Promise<EventStoreDbEventStore> => {
  const connection = connectEventStoreDb(options.url);
  try {
    await connection.ping();
  } catch (e) {
    await connection.close();
    throw e;
  }
  return eventStoreDbEventStore(connection, options);
};
