import { Worker } from 'node:worker_threads';
import type { ProjectableEvent, ProjectableTuple, ReadByStreamOptions } from '@dossier/core';
import { fromProjectableTuple } from '@dossier/core';
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
 * The same page as one JSON array that SQLite builds on the reader's thread: each event a `ProjectableTuple`
 * (what read models fold: not the event id, the time recorded or the hashes, which only verification needs),
 * the bigints as text, data and metadata as the JSON they are. Handed over as one string, it costs the folding
 * thread one JSON.parse: no copy of values an event to take over, and no parse of data and metadata apart.
 * The aggregate takes the rows in the order the ordered subquery yields them; an ORDER BY inside it would
 * sort each page again (measured: a slower rebuild), so the order is checked where the page is read
 * (`inStreamOrder`).
 */
const READ_BY_STREAM_PAGE_SQL = `SELECT json_group_array(json_array(
       CAST(position AS TEXT), stream_id, CAST(revision AS TEXT), type, schema_version, json(data), json(metadata)))
  FROM (${readByStreamSql('position, stream_id, revision, type, schema_version, data, metadata')})`;

/**
 * Whether a page's events follow one another by stream, then revision, as SQLite orders them (stream ids
 * compared as UTF-8 bytes, like SQLite's BINARY collation: the cursor of the next page is the last event).
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
 * answered with the page as one JSON text. A stored value that is not JSON (a row altered behind the
 * store's back) fails that statement: the page then comes as the rows better-sqlite3 gives (raw, integers as
 * bigint), and the reading side takes such a value as its text, as every other read does. Asked for rows
 * (`rows`), it answers with the rows.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true, timeout: 10000 });
const page = db.prepare(workerData.pageSql).pluck(true);
const stmt = db.prepare(workerData.sql).raw(true).safeIntegers(true);
parentPort.on('message', (m) => {
  if (m.close) { db.close(); parentPort.close(); return; }
  try {
    let text;
    if (!m.rows) try { text = page.get(m.params); } catch { text = undefined; }
    parentPort.postMessage(text === undefined ? { id: m.id, rows: stmt.all(m.params) } : { id: m.id, page: text });
  } catch (e) { parentPort.postMessage({ id: m.id, error: String(e && e.message), code: e && e.code }); }
});
`;

interface Reply {
  readonly id: number;
  readonly page?: string;
  readonly rows?: EventRow[];
  readonly error?: string;
  readonly code?: string;
}

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
      worker!.postMessage({ id, params: readByStreamParams(options), rows });
    });
  };
  return {
    async read(options: ReadByStreamOptions): Promise<ProjectableEvent[]> {
      const r = await request(options, false);
      if (r.rows) return r.rows.map(toRecordedEvent);
      const events = (JSON.parse(r.page!) as ProjectableTuple[]).map(fromProjectableTuple);
      if (inStreamOrder(events)) return events;
      // not in the order the statement gave (never seen): the rows, in the order SQL gives them
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
