import type { Database, Statement } from 'better-sqlite3';
import type {
  AppendResult,
  Clock,
  ConcurrencyConflict,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  RecordedEvent,
  StreamHead,
  appendSignal,
} from '@dossier/core';
import { GENESIS_HASH, conflict, expectationHolds, pageSubscription, sealEvents } from '@dossier/core';
import type { EventRow } from './event-rows';
import { EVENT_COLUMNS, toRecordedEvent } from './event-rows';
import type { GroupCommit, Step } from './group-commit';
import type { StreamReader } from './stream-reader';
import { READ_BY_STREAM_SQL, readByStreamParams } from './stream-reader';

type Appended = Awaited<ReturnType<EventStore['append']>>;

// Either values built by hand: the port's Either is fp-ts's, which this package does not depend on.
const rejected = (c: ConcurrencyConflict): Appended => ({ _tag: 'Left', left: c });
const accepted = (r: AppendResult): Appended => ({ _tag: 'Right', right: r });

const MAX_REVISION = 0x7fffffffffffffffn;

export interface SqliteEventStoreDeps {
  readonly db: Database;
  readonly writer: GroupCommit;
  readonly clock: Clock;
  readonly signal: ReturnType<typeof appendSignal>;
  /** Aborts when the store closes, ending every subscription. */
  readonly lifetime: AbortSignal;
  readonly close: () => Promise<void>;
  /** Reads stream by stream on a thread of its own (a database in a file); without it, on this connection. */
  readonly reader?: StreamReader;
}

/** The EventStore port on the `events` and `streams` tables. Appends go through the group-commit writer. */
export const sqliteEventStore = ({
  db,
  writer,
  clock,
  signal,
  lifetime,
  close,
  reader,
}: SqliteEventStoreDeps): EventStore => {
  // integers come back as bigint (positions, revisions); the connection's own default stays as it was
  const prepare = (sql: string): Statement => db.prepare(sql).safeIntegers(true);
  const raw = (sql: string): Statement => prepare(sql).raw(true);
  const head = raw('SELECT revision, hash FROM streams WHERE stream_id = ?');
  const countKnown = prepare(
    'SELECT count(*) FROM events WHERE stream_id = ? AND event_id IN (SELECT value FROM json_each(?))',
  ).pluck();
  const readKnown = raw(
    `SELECT ${EVENT_COLUMNS} FROM events
     WHERE stream_id = ? AND event_id IN (SELECT value FROM json_each(?)) ORDER BY revision`,
  );
  const insert = prepare(
    `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const moveHead = prepare(
    `INSERT INTO streams (stream_id, revision, position, hash) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, position = excluded.position, hash = excluded.hash`,
  );
  const readStreamStmt = raw(
    `SELECT ${EVENT_COLUMNS} FROM events
     WHERE stream_id = @streamId AND revision >= @from AND revision <= @to AND (@until IS NULL OR recorded_at <= @until)
     ORDER BY revision`,
  );
  const headPositionStmt = prepare('SELECT coalesce(max(position), 0) FROM events').pluck();
  const streamHeadsStmt = raw('SELECT stream_id, revision, position, hash FROM streams ORDER BY position');

  // (stream_id, revision) > (?, ?) walks the events_stream_revision index from the cursor on
  const readByStreamStmt = raw(READ_BY_STREAM_SQL);
  const readAllStmts = new Map<string, Statement>();
  const readAllStmt = (withPrefix: boolean, typeCount: number): Statement => {
    const key = `${withPrefix}:${typeCount}`;
    let stmt = readAllStmts.get(key);
    if (!stmt) {
      const where = ['position > ?'];
      if (withPrefix) where.push('substr(stream_id, 1, length(?)) = ?');
      if (typeCount > 0) where.push(`type IN (${Array.from({ length: typeCount }, () => '?').join(', ')})`);
      stmt = raw(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`,
      );
      readAllStmts.set(key, stmt);
    }
    return stmt;
  };

  /** One append, run by the writer inside its own savepoint; mirrors the in-memory reference adapter. */
  const appendNow = (
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Step<Appended> => {
    const last = head.get(streamId) as [bigint, string] | undefined;
    const actual = last ? last[0] : -1n;
    if (last && events.length > 0) {
      const ids = JSON.stringify(events.map((e) => e.eventId));
      const known = countKnown.get(streamId, ids) as bigint;
      if (known === BigInt(events.length)) {
        // a retry: answer what the first attempt recorded, write nothing
        const earlier = (readKnown.all(streamId, ids) as EventRow[]).map(toRecordedEvent);
        return {
          rollback: accepted({
            streamId,
            nextRevision: actual,
            position: earlier.at(-1)!.position,
            events: earlier,
          }),
        };
      }
      // a partial overlap is not a retry: refuse it rather than write an event id twice
      if (known > 0n) return { rollback: rejected(conflict(streamId, expected, actual)) };
    }
    if (!expectationHolds(expected, actual))
      return { rollback: rejected(conflict(streamId, expected, actual)) };
    if (events.length === 0)
      return { rollback: accepted({ streamId, nextRevision: actual, position: 0n, events: [] }) };
    const sealed = sealEvents(
      streamId,
      actual,
      last ? last[1] : GENESIS_HASH,
      events,
      clock.now().toISOString(),
    );
    const recorded = sealed.map((s): RecordedEvent => {
      const { lastInsertRowid } = insert.run(
        streamId,
        s.revision,
        s.eventId,
        s.type,
        s.schemaVersion,
        JSON.stringify(s.data),
        JSON.stringify(s.metadata),
        s.recordedAt,
        s.prevHash,
        s.hash,
      );
      return { ...s, position: BigInt(lastInsertRowid) };
    });
    const tip = recorded.at(-1)!;
    moveHead.run(streamId, tip.revision, tip.position, tip.hash);
    return {
      commit: accepted({ streamId, nextRevision: tip.revision, position: tip.position, events: recorded }),
    };
  };

  const readAll: EventStore['readAll'] = async ({
    after = 0n,
    limit = 1000,
    streamPrefix,
    types,
  }: ReadAllOptions = {}) => {
    const typeList = types ?? [];
    const args: unknown[] = [after];
    if (streamPrefix) args.push(streamPrefix, streamPrefix);
    args.push(...typeList, limit);
    return (readAllStmt(Boolean(streamPrefix), typeList.length).all(...args) as EventRow[]).map(
      toRecordedEvent,
    );
  };

  return {
    async append(streamId, events, expected) {
      const ids = new Set(events.map((e) => e.eventId));
      if (ids.size !== events.length)
        throw new TypeError(`append to ${streamId}: the same event id appears twice`);
      return writer.run(() => appendNow(streamId, events, expected));
    },
    async readStream(streamId, { fromRevision = 0n, toRevision = MAX_REVISION, until } = {}) {
      const rows = readStreamStmt.all({ streamId, from: fromRevision, to: toRevision, until: until ?? null });
      return (rows as EventRow[]).map(toRecordedEvent);
    },
    readAll,
    async readByStream(options) {
      if (reader) return reader.read(options);
      return (readByStreamStmt.all(readByStreamParams(options)) as EventRow[]).map(toRecordedEvent);
    },
    subscribe(options = {}) {
      const stop = options.signal ? AbortSignal.any([options.signal, lifetime]) : lifetime;
      return pageSubscription(readAll, signal.wait, { ...options, signal: stop });
    },
    async headPosition() {
      return headPositionStmt.get() as bigint;
    },
    async streamHeads() {
      return (streamHeadsStmt.all() as [string, bigint, bigint, string][]).map(
        ([streamId, revision, position, hash]): StreamHead => ({ streamId, revision, position, hash }),
      );
    },
    close,
  };
};
