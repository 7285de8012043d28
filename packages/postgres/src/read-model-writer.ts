import { Worker } from 'node:worker_threads';
import type { ReadModelWriter, SqlStatement, WriteFailureReport } from '@dossier/core';
import { writeFailure } from '@dossier/core';

export interface PostgresReadModelWritersOptions {
  /** The database holding the read-model tables and the checkpoints. */
  readonly url: string;
  /** Connections the thread opens at most: writers beyond this many wait for one (default 12). */
  readonly connections?: number;
}

/** Writers that commit on one thread of their own (see `postgresReadModelWriters`). */
export interface PostgresReadModelWriters {
  /** A writer whose commits apply one after another, beside those of the other writers given. */
  writer(): ReadModelWriter;
  /** Stop once every commit handed over has been applied (or has failed); the writers given stop with it. */
  close(): Promise<void>;
}

/**
 * The thread's code (plain JavaScript: it runs as given, not through the TypeScript build). A pool of
 * connections; each writer's commits run in order, one transaction each, beside the other writers'.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { Pool } = require(workerData.driver);
const { createHash } = require('node:crypto');
const pool = new Pool({ connectionString: workerData.url, max: workerData.connections, application_name: 'dossier-read-models' });
pool.on('error', () => undefined);
const bindable = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
class Expectation extends Error {}
// rows and checkpoints commit together, so a commit lost in a crash is applied again from the checkpoint
// before it: read models need not wait for the WAL flush. Long values (an archive's state) are compressed with
// lz4 where the server has it: it takes the server a fraction of pglz's time
let settings;
const settingsOf = async (client) => {
  if (settings === undefined) {
    const { rows } = await client.query(
      "select 'lz4' = any (enumvals) as lz4 from pg_settings where name = 'default_toast_compression'",
    );
    settings = 'SET LOCAL synchronous_commit = off' +
      (rows[0] && rows[0].lz4 ? "; SET LOCAL default_toast_compression = 'lz4'" : '');
  }
  return settings;
};
// A statement of few parameters is one of a few texts (a read model's shapes: its rows travel as arrays, see
// writeRows; the checkpoint moves): each is prepared once a connection and then only bound, not parsed and
// planned again a commit. Longer lists (a delete of many keys) vary with their length and are not kept, nor
// is any text beyond the first PREPARED_AT_MOST of a connection (a read model that writes values into its SQL
// would otherwise leave a statement on the server for each).
const PREPARE_UP_TO = 64;
const PREPARED_AT_MOST = 500;
const prepared = new WeakMap();
const queryOf = (client, sql, values) => {
  if (values.length > PREPARE_UP_TO) return { text: sql, values };
  let mine = prepared.get(client);
  if (!mine) prepared.set(client, (mine = new Set()));
  const name = nameOf(sql);
  if (!mine.has(name)) {
    if (mine.size >= PREPARED_AT_MOST) return { text: sql, values };
    mine.add(name);
  }
  return { name, text: sql, values };
};
const names = new Map();
const nameOf = (sql) => {
  let name = names.get(sql);
  if (name === undefined) {
    name = 'dossier_rm_' + createHash('sha1').update(sql).digest('hex').slice(0, 32);
    if (names.size >= 10000) names.clear();
    names.set(sql, name);
  }
  return name;
};
const run = async (statements) => {
  const client = await pool.connect();
  let broken;
  try {
    await client.query('BEGIN; ' + (await settingsOf(client)));
    for (const s of statements) {
      const res = await client.query(queryOf(client, s.sql, s.parameters.map(bindable)));
      if (s.expectChanges !== undefined && (res.rowCount ?? 0) !== s.expectChanges) {
        const e = new Expectation('expectation');
        e.detail = { sql: s.sql, expected: s.expectChanges, actual: res.rowCount ?? 0 };
        throw e;
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    try { await client.query('ROLLBACK'); } catch (r) { broken = r; }
    throw e;
  } finally {
    client.release(broken);
  }
};
// each writer's last commit: the next one starts when it has settled
const tails = new Map();
parentPort.on('message', (m) => {
  if (m.close) {
    Promise.allSettled([...tails.values()]).then(() => pool.end()).finally(() => parentPort.close());
    return;
  }
  const done = (tails.get(m.writer) || Promise.resolve()).then(() => run(m.statements)).then(
    () => parentPort.postMessage({ id: m.id, ok: true }),
    (e) => parentPort.postMessage({
      id: m.id, ok: false,
      error: { message: String(e && e.message), code: e && e.code, expectation: e instanceof Expectation ? e.detail : undefined },
    }),
  );
  tails.set(m.writer, done);
});
`;

/** Byte parameters at least this long are moved to the thread, not copied (see `movable`). */
const MOVE_BYTES = 64 * 1024;

/**
 * The buffers of the large byte parameters that own all of their memory: they are transferred to the thread
 * (the caller's views of them are left empty), where a copy would cost the thread that folds as much as the
 * bytes are long. A read model hands its rows to PostgreSQL as bytes, one binary array a column (see
 * `writeRows`). Smaller buffers, and views of a larger memory (Node's pooled buffers), are copied.
 */
const movable = (statements: readonly SqlStatement[]): ArrayBuffer[] => {
  const out: ArrayBuffer[] = [];
  for (const s of statements)
    for (const v of s.parameters)
      if (
        v instanceof Uint8Array &&
        v.byteLength >= MOVE_BYTES &&
        v.buffer instanceof ArrayBuffer &&
        v.byteOffset === 0 &&
        v.byteLength === v.buffer.byteLength &&
        !out.includes(v.buffer)
      )
        out.push(v.buffer);
  return out;
};

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: WriteFailureReport;
}

/**
 * Read-model writers for PostgreSQL that commit on a worker thread with a pool of their own, so the
 * projection runner folds the next page on the main thread while this page's statements go to the server:
 * a commit's round trips no longer wait for a busy event loop between them. Each writer commits in order;
 * different writers (one per read model) commit side by side, which the server applies in parallel.
 * Bytes bind in binary format: as bytea, or as the text of a text or json parameter (not jsonb, whose binary
 * form starts with a version byte). Large byte parameters are moved to the thread: after `commit`, the
 * caller's buffer is empty.
 */
export const postgresReadModelWriters = (
  options: PostgresReadModelWritersOptions,
): PostgresReadModelWriters => {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { driver: require.resolve('pg'), url: options.url, connections: options.connections ?? 12 },
  });
  const pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  let next = 0;
  let writers = 0;
  let dead: Error | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  worker.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve();
    else p.reject(writeFailure(r.error!));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`the read-model writer thread ended (exit code ${code})`)));
  let closed: Promise<void> | undefined;
  const commit = (writer: number, statements: readonly SqlStatement[]) => {
    if (closed) return Promise.reject(new Error('read-model writers: closed'));
    if (dead) return Promise.reject(dead);
    const id = next++;
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, writer, statements }, movable(statements));
    });
  };
  const close = () => {
    if (!closed) {
      if (!dead) worker.postMessage({ close: true });
      closed = exited;
    }
    return closed;
  };
  return {
    writer() {
      const n = writers++;
      let tail: Promise<unknown> = Promise.resolve();
      return {
        commit(statements) {
          const done = commit(n, statements);
          tail = done.catch(() => undefined);
          return done;
        },
        async close() {
          await tail;
        },
      };
    },
    close,
  };
};
