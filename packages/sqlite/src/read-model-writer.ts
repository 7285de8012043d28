import { Worker } from 'node:worker_threads';
import type { ReadModelWriter, SqlStatement, WriteFailureReport } from '@dossier/core';
import { writeFailure } from '@dossier/core';
import type { Synchronous } from './database-file';

export interface SqliteReadModelWriterOptions {
  /** The SQLite file holding the read-model tables and the checkpoints (a file: a thread needs its own connection). */
  readonly path: string;
  readonly synchronous?: Synchronous;
  readonly busyTimeoutMs?: number;
  /** Page cache of the writer's connection, in KiB (default 64 MiB). */
  readonly cacheKiB?: number;
  /**
   * A commit of more bound values than this (default 100,000) crosses to the thread in parts, applied in its
   * one transaction as they arrive: no copy of a whole large commit is made at once.
   */
  readonly partValues?: number;
}

/**
 * The thread's code (plain JavaScript: it runs as given, not through the TypeScript build). One connection,
 * one transaction per commit (a large one arrives in parts), each distinct SQL text sent and prepared once;
 * commits are applied in the order they arrive, each answered with its id.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('cache_size = -' + workerData.cacheKiB);
// statements by the number the main thread gave their SQL text (each text crosses once)
const prepared = new Map();
const bindable = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
class Expectation extends Error {}
const run = (statements) => {
  for (const s of statements) {
    const p = prepared.get(s.sql);
    const stmt = p.stmt || (p.stmt = db.prepare(p.text));
    const params = s.parameters.map(bindable);
    const changes = stmt.reader ? (stmt.all(params), 0) : stmt.run(params).changes;
    if (s.expectChanges !== undefined && changes !== s.expectChanges) {
      const e = new Expectation('expectation');
      e.detail = { sql: p.text, expected: s.expectChanges, actual: changes };
      throw e;
    }
  }
};
// the commit whose transaction is open (its parts arrive one message each), and one that failed before its last
let open;
let failed;
parentPort.on('message', (m) => {
  if (m.close) { if (db.inTransaction) db.exec('ROLLBACK'); db.close(); parentPort.close(); return; }
  for (const [n, text] of m.texts) prepared.set(n, { text, stmt: undefined });
  for (const n of m.forget) prepared.delete(n);
  if (failed === m.id) { if (m.last) failed = undefined; return; }
  try {
    if (open !== m.id) { db.exec('BEGIN IMMEDIATE'); open = m.id; }
    run(m.statements);
    if (m.last) { db.exec('COMMIT'); open = undefined; parentPort.postMessage({ id: m.id, ok: true }); }
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    open = undefined;
    if (!m.last) failed = m.id;
    parentPort.postMessage({
      id: m.id, ok: false,
      error: { message: String(e && e.message), code: e && e.code, expectation: e instanceof Expectation ? e.detail : undefined },
    });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: WriteFailureReport;
}

/**
 * The read-model writer of the embedded store: commits run on a worker thread with a connection of its own
 * to the file, so the projection runner folds the next batch on the main thread while SQLite writes this one
 * (better-sqlite3 is synchronous: on one thread, the two would take turns).
 */
export const sqliteReadModelWriter = (options: SqliteReadModelWriterOptions): ReadModelWriter => {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      driver: require.resolve('better-sqlite3'),
      path: options.path,
      synchronous: options.synchronous ?? 'NORMAL',
      busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
      cacheKiB: options.cacheKiB ?? 65_536,
    },
  });
  const partValues = options.partValues ?? 100_000;
  const pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  /** SQL texts the thread knows, by number, least recently used first (at most 256 kept). */
  const texts = new Map<string, number>();
  let nextText = 0;
  let next = 0;
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
  return {
    commit(statements: readonly SqlStatement[]) {
      if (dead) return Promise.reject(dead);
      const id = next++;
      const fresh: [number, string][] = [];
      const forget: number[] = [];
      const numbered = statements.map((s) => {
        let n = texts.get(s.sql);
        if (n === undefined) {
          n = nextText++;
          fresh.push([n, s.sql]);
        } else texts.delete(s.sql);
        texts.set(s.sql, n);
        return { sql: n, parameters: s.parameters, expectChanges: s.expectChanges };
      });
      // forget the least recently used texts beyond 256, but none this commit uses
      while (texts.size > 256 + numbered.length) {
        const [oldest, n] = texts.entries().next().value as [string, number];
        texts.delete(oldest);
        forget.push(n);
      }
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // the texts travel with the first part; the parts are applied in order, in one transaction
        let from = 0;
        let values = 0;
        for (let i = 0; i < numbered.length; i++) {
          values += numbered[i]!.parameters.length;
          const last = i === numbered.length - 1;
          if (values < partValues && !last) continue;
          const first = from === 0;
          worker.postMessage({
            id,
            texts: first ? fresh : [],
            forget: first ? forget : [],
            statements: numbered.slice(from, i + 1),
            last,
          });
          from = i + 1;
          values = 0;
        }
        if (numbered.length === 0)
          worker.postMessage({ id, texts: fresh, forget, statements: [], last: true });
      });
    },
    async close() {
      if (!dead) worker.postMessage({ close: true });
      await exited;
    },
  };
};
