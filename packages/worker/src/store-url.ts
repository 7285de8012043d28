// Open the store and the read-model database named by a URL: `sqlite:<path>` (default) or `postgres://…`.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Clock, EventStore, KeyStore } from '@dossier/core';
import { cachingSqliteDatabase } from '@dossier/projections';
import { openPostgresStore } from '@dossier/postgres';
import { openSqliteStore } from '@dossier/sqlite';
import { masterKeyFile, masterKeyFromEnv } from './master-key';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const DEFAULT_STORE_URL = 'sqlite:./data/dossier.db';

export type StoreLocation =
  { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export const parseStoreUrl = (url: string): StoreLocation => {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path || path === ':memory:') throw new Error(`${url}: name a database file (the worker shares it)`);
    return { kind: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  throw new Error(`unsupported store URL ${JSON.stringify(redact(url))}: use sqlite:<path> or postgres://…`);
};

/** A URL fit for a log line: no password. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');

export interface OpenedStore {
  readonly location: StoreLocation;
  readonly events: EventStore;
  readonly keys: KeyStore;
  /** The read-model database: the same SQLite file (its own connection) or the same PostgreSQL database. */
  readonly db: Kysely<any>;
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/**
 * A kysely handle on a Dossier SQLite file, on a connection of its own: kysely holds transactions open across
 * awaits, which the store's connection must never do (its group commit would run inside them).
 */
export const sqliteReadModels = (path: string, busyTimeoutMs = 10_000): Kysely<any> => {
  const database = new Database(path, { timeout: busyTimeoutMs });
  database.pragma('journal_mode = WAL');
  // read models are rebuilt from the log: they survive a process crash (WAL, NORMAL), the log survives power loss
  database.pragma('synchronous = NORMAL');
  // a page cache of 64 MiB: the read models' tables and indexes stay in memory as they grow
  database.pragma('cache_size = -65536');
  return new Kysely<any>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }) });
};

export interface OpenOptions {
  readonly url?: string;
  /** Default: `DOSSIER_MASTER_KEY`, else (SQLite only) `master.key` beside the database file. */
  readonly masterKey?: Uint8Array;
  readonly clock?: Clock;
  readonly env?: NodeJS.ProcessEnv;
}

export const openStoreFromUrl = async (options: OpenOptions = {}): Promise<OpenedStore> => {
  const env = options.env ?? process.env;
  const location = parseStoreUrl(options.url ?? env.DOSSIER_STORE_URL ?? DEFAULT_STORE_URL);
  const fromEnv = options.masterKey ?? masterKeyFromEnv(env);
  if (location.kind === 'sqlite') {
    mkdirSync(dirname(location.path), { recursive: true });
    const store = openSqliteStore({
      path: location.path,
      masterKey: fromEnv ?? masterKeyFile(join(dirname(location.path), 'master.key')),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const db = sqliteReadModels(location.path);
    return {
      location,
      events: store.events,
      keys: store.keys,
      db,
      dialect: 'sqlite',
      async close() {
        await db.destroy();
        await store.close();
      },
    };
  }
  if (!fromEnv)
    throw new Error('DOSSIER_MASTER_KEY (base64 of 32 bytes) is required with a PostgreSQL store');
  const store = await openPostgresStore({
    url: location.url,
    masterKey: fromEnv,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // kysely shares the store's pool; closing the store ends it (kysely's destroy would end it twice)
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: store.pool }) });
  return {
    location,
    events: store.events,
    keys: store.keys,
    db,
    dialect: 'postgres',
    close: () => store.close(),
  };
};
