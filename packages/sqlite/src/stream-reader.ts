import { Worker } from 'node:worker_threads';
import type { Json, ProjectableEvent, ReadByStreamOptions } from '@dossier/core';
import { LazyProjectableEvent } from '@dossier/core';
import type { EventRow } from './event-rows';
import { EVENT_COLUMNS, toRecordedEvent } from './event-rows';

/** The log in stream order from a cursor, up to a position, these columns of it. */
const readByStreamSql = (columns: string) => `SELECT ${columns} FROM events
     WHERE (stream_id, revision) > (@streamId, @revision) AND position <= @upTo
     ORDER BY stream_id, revision LIMIT @limit`;

/** The log in stream order from a cursor, up to a position: one statement for both threads. */
export const READ_BY_STREAM_SQL = readByStreamSql(EVENT_COLUMNS);

/** The statement's parameters (an empty id sorts before every stream's). */
export const readByStreamParams = ({ after, upTo, limit = 1000 }: ReadByStreamOptions) => ({
  streamId: after?.streamId ?? '',
  revision: after?.revision ?? -1n,
  upTo,
  limit,
});

/**
 * An event as a page's text holds it (see the reader's thread below): the position and revision as decimal
 * text (a JSON number would lose digits past 2^53), data as stored, so parsed with the page. Its metadata
 * comes apart, as stored (see `Reply.metadata`).
 */
type ProjectableTuple = [
  position: string,
  streamId: string,
  revision: string,
  type: string,
  schemaVersion: number,
  data: Json,
];

const fromProjectableTuple = (t: ProjectableTuple, metadataText: string | undefined): ProjectableEvent =>
  new LazyProjectableEvent(t[1], BigInt(t[2]), BigInt(t[0]), t[3], t[4], t[5], metadataText);

/** What the reader's thread reads of each event to build a page: a `ProjectableTuple`'s columns, in order. */
const PAGE_COLUMNS = 'position, stream_id, revision, type, schema_version, data';
const READ_BY_STREAM_PAGE_SQL = readByStreamSql(`${PAGE_COLUMNS}, metadata`);

/**
 * The same, with the metadata of only the types in the JSON array `@types` (`ReadByStreamOptions.metadataOf`;
 * null for the others): the thread then neither reads nor decodes the rest, most of a page's bytes.
 */
const READ_BY_STREAM_PAGE_SOME_SQL = readByStreamSql(
  `${PAGE_COLUMNS}, CASE WHEN type IN (SELECT value FROM json_each(@types)) THEN metadata END`,
);

/**
 * A page's event as the folding thread checks it before taking it: six values, the first five of their
 * types (data that is not JSON alone could shift the values of the page's text).
 */
const isTuple = (t: unknown): t is ProjectableTuple =>
  Array.isArray(t) &&
  t.length === 6 &&
  typeof t[0] === 'string' &&
  typeof t[1] === 'string' &&
  typeof t[2] === 'string' &&
  typeof t[3] === 'string' &&
  typeof t[4] === 'number';

/**
 * Whether a page's events follow one another by stream, then revision, as SQLite orders them (stream ids
 * compared as UTF-8 bytes, like SQLite's BINARY collation: the cursor of the next page is the last event).
 * The reader's thread joins the rows in the statement's order; a page is taken only when its events still
 * stand in that order, a last check (with `isTuple` and the count) that its text carried each row as it was.
 */
export const inStreamOrder = (events: readonly ProjectableEvent[]): boolean => {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!;
    const b = events[i]!;
    if (
      a.streamId === b.streamId
        ? a.revision >= b.revision
        : Buffer.compare(Buffer.from(a.streamId), Buffer.from(b.streamId)) >= 0
    )
      return false;
  }
  return true;
};

/**
 * The thread's code (plain JavaScript, run as given): a read-only connection of its own, each request
 * answered with the page as one JSON text, an array of `ProjectableTuple`s (what read models fold: not the
 * event id, the time recorded or the hashes, which only verification needs), the bigints as text (a JSON
 * number would lose digits past 2^53), the stored data as it is, and the count of its rows; and with the
 * events' metadata as stored (of the types asked for: \`ReadByStreamOptions.metadataOf\`; an empty text for
 * the others), joined by a character no JSON text holds (U+0001), which the folding thread
 * splits and parses an event's at a time, when a read model reads it (see `LazyProjectableEvent`).
 * Handed over as two strings, a page costs the folding thread one JSON.parse and one split: no copy of values
 * an event to take over, and no parse of data apart. The text is joined here, in JavaScript: having SQLite
 * build it (json_group_array) parsed and wrote again every event's data and metadata, and took this thread
 * twice as long (measured). Asked for rows (`rows`), it answers with the rows better-sqlite3 gives (raw,
 * integers as bigint): the folding side asks for them when a page's text does not parse to its rows (a stored
 * value that is not JSON, a row altered behind the store's back), and takes such a value as its text, as every
 * other read does.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true, timeout: 10000 });
const page = db.prepare(workerData.pageSql).raw(true).safeIntegers(true);
const pageSome = db.prepare(workerData.pageSomeSql).raw(true).safeIntegers(true);
const stmt = db.prepare(workerData.sql).raw(true).safeIntegers(true);
const text = (rows) => {
  let t = '[';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    t += (i === 0 ? '["' : ',["') + r[0] + '",' + JSON.stringify(r[1]) + ',"' + r[2] + '",' + JSON.stringify(r[3]) +
      ',' + r[4] + ',' + r[5] + ']';
  }
  return t + ']';
};
// a type's metadata not asked for is null: its place is left empty
const metadataOf = (rows) => rows.map((r) => r[6]).join('\u0001');
parentPort.on('message', (m) => {
  if (m.close) { db.close(); parentPort.close(); return; }
  try {
    if (m.rows) { parentPort.postMessage({ id: m.id, rows: stmt.all(m.params) }); return; }
    const rows = m.metadataOf
      ? pageSome.all({ ...m.params, types: JSON.stringify(m.metadataOf) })
      : page.all(m.params);
    parentPort.postMessage({ id: m.id, page: text(rows), metadata: metadataOf(rows), count: rows.length });
  } catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message), code: e && e.code }); }
});
`;

interface Reply {
  readonly id: number;
  readonly page?: string;
  /** The page's events' metadata as stored (empty for a type not asked for), joined by U+0001. */
  readonly metadata?: string;
  /** The rows the page's text holds. */
  readonly count?: number;
  readonly rows?: EventRow[];
  readonly error?: string;
  readonly code?: string;
}

/**
 * A page's events, or undefined when its text is not JSON or does not hold `count` well-formed events, or its
 * metadata does not split into as many (a stored value holding U+0001, which JSON never does raw). The
 * metadata of a type not in `wanted` (when given) was not sent: those events have none to read.
 */
const fromPageText = (
  page: string,
  metadata: string,
  count: number,
  wanted: ReadonlySet<string> | undefined,
): ProjectableEvent[] | undefined => {
  let tuples: unknown;
  try {
    tuples = JSON.parse(page);
  } catch {
    return undefined;
  }
  if (!Array.isArray(tuples) || tuples.length !== count || !tuples.every(isTuple)) return undefined;
  if (count === 0) return [];
  const texts = metadata.split('\u0001');
  if (texts.length !== count) return undefined;
  return tuples.map((t, i) => fromProjectableTuple(t, wanted && !wanted.has(t[3]) ? undefined : texts[i]!));
};

/**
 * Reads of the log stream by stream on a thread of their own, started on first use. A rebuild asks for the
 * next page before it folds the one it has; SQLite answers synchronously, so on the folding thread the two
 * would take turns, and here they overlap: that thread only parses the page it is handed.
 * Events at or below a position that was the head are final, so a second connection reads them as the
 * store's own would.
 */
export const streamReader = (path: string) => {
  let worker: Worker | undefined;
  let next = 0;
  let dead: Error | undefined;
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: unknown) => void }>();
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(THREAD, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        path,
        sql: READ_BY_STREAM_SQL,
        pageSql: READ_BY_STREAM_PAGE_SQL,
        pageSomeSql: READ_BY_STREAM_PAGE_SOME_SQL,
      },
    });
    w.on('message', (r: Reply) => {
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      // an idle reader does not keep the process alive; one with a read under way does
      if (pending.size === 0) w.unref();
      if (r.page !== undefined || r.rows) p.resolve(r);
      else p.reject(Object.assign(new Error(`stream reader: ${r.error}`), r.code ? { code: r.code } : {}));
    });
    w.on('error', (e) => failAll(e));
    w.on('exit', (code) => failAll(new Error(`the stream reader thread ended (exit code ${code})`)));
    return w;
  };
  const request = (options: ReadByStreamOptions, rows: boolean): Promise<Reply> => {
    if (dead) return Promise.reject(dead);
    worker ??= start();
    const id = next++;
    worker.ref();
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ id, params: readByStreamParams(options), rows, metadataOf: options.metadataOf });
    });
  };
  return {
    async read(options: ReadByStreamOptions): Promise<ProjectableEvent[]> {
      const r = await request(options, false);
      if (r.rows) return r.rows.map(toRecordedEvent);
      const wanted = options.metadataOf && new Set(options.metadataOf);
      const events = fromPageText(r.page!, r.metadata ?? '', r.count!, wanted);
      if (events && inStreamOrder(events)) return events;
      // a page whose text did not carry its rows as they were (a stored value that is not JSON): the rows
      return (await request(options, true)).rows!.map(toRecordedEvent);
    },
    async close(): Promise<void> {
      const w = worker;
      worker = undefined;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      // held until it has ended: an idle reader does not keep the process alive, but its closing must
      w.ref();
      if (!dead) w.postMessage({ close: true });
      await exited;
    },
  };
};

export type StreamReader = ReturnType<typeof streamReader>;
