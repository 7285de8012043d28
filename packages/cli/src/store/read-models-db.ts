import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import { cachingSqliteDatabase } from '@dossier/projections';
import { CommandError } from '../cli/errors';
import type { StoreLocation } from './store-url';
import { describeLocation, sideLocation, storeLocation } from './store-url';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadDb = Kysely<any>;

export interface ReadModelsDb {
  readonly db: ReadDb;
  readonly dialect: 'sqlite' | 'postgres';
  readonly where: string;
  /** The SQLite file, when the read models are in one. */
  readonly path?: string;
  close(): Promise<void>;
}

/**
 * The read-model database, found as the main job finds it: `DOSSIER_READ_MODELS_URL` when set (always, with
 * EventStoreDB), else beside the events (the same SQLite file on a connection of its own, or the same
 * PostgreSQL database).
 */
export const openReadModels = (events: StoreLocation, env: NodeJS.ProcessEnv): ReadModelsDb => {
  const url = env.DOSSIER_READ_MODELS_URL;
  const location = url ? storeLocation(url, 'DOSSIER_READ_MODELS_URL') : sideLocation(events, env);
  if (location.kind === 'esdb')
    throw new CommandError('DOSSIER_READ_MODELS_URL: sqlite:<file> or postgres://…');
  if (location.kind === 'sqlite') {
    if (!existsSync(location.path)) throw new CommandError(`no read-model database at ${location.path}`);
    const database = new Database(location.path, { timeout: 10_000 });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // a page cache of 64 MiB: the read models' tables and indexes stay in memory as they grow
    database.pragma('cache_size = -65536');
    const db: ReadDb = new Kysely({
      dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }),
    });
    return {
      db,
      dialect: 'sqlite',
      where: describeLocation(location),
      path: location.path,
      close: () => db.destroy(),
    };
  }
  const pool = new Pool({ connectionString: location.url, max: 4 });
  pool.on('error', () => undefined);
  const db: ReadDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', where: describeLocation(location), close: () => db.destroy() };
};
