import type { ClientBase, Pool } from 'pg';
import type {
  Clock,
  ConcurrencyConflict,
  EventToAppend,
  ExpectedRevision,
  RecordedEvent,
} from '@dossier/core';
import { conflict, expectationHolds, GENESIS_HASH, sealEvents } from '@dossier/core';
import { appendSql } from './append-sql';
import type { AppendEither } from './either';
import { appendLeft, appendRight } from './either';
import type { EventRow } from './event-rows';
import { decodeEvent, EVENT_COLUMNS } from './event-rows';
import type { SchemaNames } from './schema-names';
import { isRetryableAppendError, SQLSTATE, sqlState } from './sql-errors';
import type { StreamHeadCache } from './stream-head-cache';

/** Anything that runs a query: the pool (one implicit transaction per append) or a client inside a transaction. */
export type Queryable = Pool | ClientBase;

export interface AppendContext {
  readonly names: SchemaNames;
  readonly clock: Clock;
  readonly heads: StreamHeadCache;
  /** The two write statements (append-sql.ts), built once. */
  readonly sql: { readonly appendNew: string; readonly appendNext: string };
}

export const appendContext = (names: SchemaNames, clock: Clock, heads: StreamHeadCache): AppendContext => ({
  names,
  clock,
  heads,
  sql: { appendNew: appendSql(names, true), appendNext: appendSql(names, false) },
});

export interface AppendOptions {
  /**
   * Try again after a unique violation, a serialization failure or a deadlock (each means the attempt wrote
   * nothing). Only possible when each attempt is its own transaction; inside a caller's transaction such an
   * error aborts that transaction and is thrown.
   */
  readonly retry: boolean;
}

export interface AppendOutcome {
  readonly result: AppendEither;
  /** True when this call wrote events (false for conflicts, replays and empty appends). */
  readonly wrote: boolean;
}

const ATTEMPTS = 50;

const STATUS = { empty: 0, conflict: 1, replay: 2, stale: 3 } as const;

type WriteRow = [written: number, positions: string[] | null];
type StatusRow = [status: number, revision: string, hash: string];

const expectation = (expected: ExpectedRevision): [kind: number, value: string | null] => {
  switch (expected) {
    case 'any':
      return [0, null];
    case 'no_stream':
      return [1, null];
    case 'stream_exists':
      return [2, null];
    default:
      return [3, expected.toString()];
  }
};

/** The events of `streamId` with the given ids, in stream order, and the stream's current revision. */
const earlierEvents = async (db: Queryable, names: SchemaNames, streamId: string, ids: readonly string[]) => {
  const found = await db.query<EventRow>({
    name: `${names.schema}.earlier_events`,
    text: `SELECT ${EVENT_COLUMNS} FROM ${names.q}.events WHERE stream_id = $1 AND event_id = ANY ($2) ORDER BY revision`,
    values: [streamId, ids],
    rowMode: 'array',
  });
  const head = await db.query<[string]>({
    name: `${names.schema}.stream_revision`,
    text: `SELECT last_revision FROM ${names.q}.streams WHERE stream_id = $1`,
    values: [streamId],
    rowMode: 'array',
  });
  const actual = head.rows[0] ? BigInt(head.rows[0][0]) : -1n;
  return { events: found.rows.map(decodeEvent), actual };
};

const replayed = (streamId: string, actual: bigint, earlier: readonly RecordedEvent[]): AppendOutcome => ({
  result: appendRight({
    streamId,
    nextRevision: actual,
    position: earlier.at(-1)!.position,
    events: earlier,
  }),
  wrote: false,
});

const refused = (c: ConcurrencyConflict): AppendOutcome => ({ result: appendLeft(c), wrote: false });

/**
 * Append with the semantics of the reference adapter: all or nothing, a broken expectation answered as a
 * conflict, a retry with the same event ids answered with the first result, a partial overlap refused as a
 * conflict. Events are sealed here, by the core's `sealEvents`, on the head this process last saw (or on the
 * genesis of a new stream), and written by one statement (append-sql.ts) only if that is still the head.
 * One round trip when the guess is right; otherwise `append_status` says why not (a conflict, a replay, or
 * the true head, on which the events are sealed again).
 */
export const appendEvents = async (
  db: Queryable,
  ctx: AppendContext,
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  { retry }: AppendOptions,
): Promise<AppendOutcome> => {
  const ids = events.map((e) => e.eventId);
  if (new Set(ids).size !== ids.length) throw new TypeError(`an append to ${streamId} repeats an event id`);
  const [kind, value] = expectation(expected);
  const { names, heads } = ctx;

  for (let attempt = 1; ; attempt++) {
    const presumed = heads.get(streamId) ?? { revision: -1n, hash: GENESIS_HASH };
    if (events.length > 0 && expectationHolds(expected, presumed.revision)) {
      const sealed = sealEvents(
        streamId,
        presumed.revision,
        presumed.hash,
        events,
        ctx.clock.now().toISOString(),
      );
      const newStream = presumed.revision < 0n;
      let row: WriteRow;
      try {
        const res = await db.query<WriteRow>({
          name: `${names.schema}.append_${newStream ? 'new' : 'next'}`,
          text: newStream ? ctx.sql.appendNew : ctx.sql.appendNext,
          values: [
            streamId,
            presumed.revision.toString(),
            presumed.hash,
            ids,
            sealed.map((e) => e.type),
            sealed.map((e) => e.schemaVersion),
            JSON.stringify(sealed.map((e) => e.data)),
            JSON.stringify(sealed.map((e) => e.metadata)),
            sealed[0]!.recordedAt,
            sealed.map((e) => e.hash),
            // inside a caller's transaction a unique violation would abort it: look for a retry up front
            !retry,
          ],
          rowMode: 'array',
        });
        row = res.rows[0]!;
      } catch (e) {
        if (!retry || !isRetryableAppendError(e) || attempt >= ATTEMPTS) throw e;
        heads.forget(streamId);
        if (sqlState(e) === SQLSTATE.uniqueViolation) {
          // some of these ids are in the stream already (a retry of an earlier append), or a concurrent first
          // append to the same new stream got there first; only the first is final here
          const earlier = await earlierEvents(db, names, streamId, ids);
          if (earlier.events.length === ids.length) return replayed(streamId, earlier.actual, earlier.events);
          if (earlier.events.length > 0) return refused(conflict(streamId, expected, earlier.actual));
        }
        continue;
      }
      const [written, positions] = row;
      if (written === sealed.length) {
        const recorded = sealed.map((s, i) => ({ ...s, position: BigInt(positions![i]!) }));
        const last = recorded.at(-1)!;
        heads.set(streamId, { revision: last.revision, hash: last.hash });
        return {
          result: appendRight({
            streamId,
            nextRevision: last.revision,
            position: last.position,
            events: recorded,
          }),
          wrote: true,
        };
      }
    }

    // nothing written: ask why
    const res = await db.query<StatusRow>({
      name: `${names.schema}.append_status`,
      text: `SELECT o_status, o_revision, o_hash FROM ${names.q}.append_status($1, $2, $3, $4)`,
      values: [streamId, kind, value, ids],
      rowMode: 'array',
    });
    const [status, rev, hash] = res.rows[0]!;
    const actual = BigInt(rev);
    if (actual >= 0n) heads.set(streamId, { revision: actual, hash });
    else heads.forget(streamId);
    switch (status) {
      case STATUS.empty:
        return {
          result: appendRight({ streamId, nextRevision: actual, position: 0n, events: [] }),
          wrote: false,
        };
      case STATUS.conflict:
        return refused(conflict(streamId, expected, actual));
      case STATUS.replay: {
        const earlier = await earlierEvents(db, names, streamId, ids);
        return replayed(streamId, earlier.actual, earlier.events);
      }
      case STATUS.stale:
        if (attempt >= ATTEMPTS) throw new Error(`append to ${streamId}: the stream head kept moving`);
        continue;
      default:
        throw new Error(`append_status answered an unknown status ${String(status)}`);
    }
  }
};
