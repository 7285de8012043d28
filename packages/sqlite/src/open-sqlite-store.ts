import type { Database } from 'better-sqlite3';
import type { CheckpointStore, Clock, EventStore, KeyStore } from '@dossier/core';
import { appendSignal, keyStoreOn, systemClock } from '@dossier/core';
import type { Synchronous } from './database-file';
import { openDatabaseFile } from './database-file';
import type { GroupCommitStats } from './group-commit';
import { GroupCommit } from './group-commit';
import { sqliteCheckpointStore } from './sqlite-checkpoints';
import { sqliteEventStore } from './sqlite-event-store';
import { sqliteKeyStorage } from './sqlite-key-storage';
import { streamReader } from './stream-reader';

export const DEFAULT_DATABASE_PATH = './data/dossier.db';

export interface SqliteStoreOptions {
  /** The database file (created with its directories); default `./data/dossier.db`. `:memory:` for tests. */
  readonly path?: string;
  readonly clock?: Clock;
  /** 32 bytes; wraps every archive's data key. */
  readonly masterKey: Uint8Array;
  /** FULL (default): an acknowledged append survives power loss. NORMAL: it survives a process crash. */
  readonly synchronous?: Synchronous;
  /** How often subscribers look for events appended by other processes (ms); default 250. */
  readonly pollMs?: number;
  /** How long a write waits for another process holding the lock (ms); default 10 000. */
  readonly busyTimeoutMs?: number;
}

/** One SQLite file holding the events, the wrapped keys and the checkpoints. */
export interface SqliteStore {
  /**
   * The open connection, for packages that keep their tables in the same file (read models): write rows and
   * `saveCheckpointIn(db, …)` inside one `db.transaction(…)`. Do not leave a transaction open across an await.
   */
  readonly db: Database;
  readonly events: EventStore;
  readonly keys: KeyStore;
  readonly checkpoints: CheckpointStore;
  /** Group-commit counters: how many transactions carried how many appends. */
  stats(): GroupCommitStats;
  /** Flush queued appends, end subscriptions, close the file. Closing any one port closes them all. */
  close(): Promise<void>;
}

export const openSqliteStore = (options: SqliteStoreOptions): SqliteStore => {
  const { path = DEFAULT_DATABASE_PATH, clock = systemClock, masterKey, synchronous = 'FULL' } = options;
  if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes (AES-256)');
  const db = openDatabaseFile({ path, synchronous, busyTimeoutMs: options.busyTimeoutMs ?? 10_000 });
  const signal = appendSignal(options.pollMs ?? 250);
  const writer = new GroupCommit(db, () => signal.notify());
  const lifetime = new AbortController();
  // a file can be opened again by a thread that reads the log stream by stream; memory cannot
  const reader = path === ':memory:' ? undefined : streamReader(path);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      writer.close();
      lifetime.abort();
      await reader?.close();
      db.close();
    })();
    return closed;
  };
  return {
    db,
    events: sqliteEventStore({
      db,
      writer,
      clock,
      signal,
      lifetime: lifetime.signal,
      close,
      ...(reader ? { reader } : {}),
    }),
    keys: keyStoreOn(sqliteKeyStorage(db, close), masterKey),
    checkpoints: sqliteCheckpointStore(db),
    stats: () => writer.stats(),
    close,
  };
};
