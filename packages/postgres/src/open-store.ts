import type { ClientBase, ClientConfig, PoolClient } from 'pg';
import { Pool } from 'pg';
import type { CheckpointStore, Clock, KeyStore } from '@dossier/core';
import { keyStoreOn, systemClock } from '@dossier/core';
import { appendNotifications } from './append-notifications';
import { loadCheckpointIn, postgresCheckpointStore, saveCheckpointIn } from './checkpoint-store';
import type { PostgresEventStore } from './event-store';
import { postgresEventStore } from './event-store';
import { postgresKeyStorage } from './key-storage';
import type { MigrationOutcome } from './migrate';
import { migrate } from './migrate';
import { readHorizon } from './read-horizon';
import { schemaNames } from './schema-names';

/** The server tests and tools use when nothing is configured. */
export const defaultPgUrl = (): string =>
  process.env.DOSSIER_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresStoreOptions {
  /** Connection URL (default: env DOSSIER_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres). */
  readonly url?: string;
  /** A pool of your own instead of `url`; the store then never ends it. */
  readonly pool?: Pool;
  /** Size of the pool the store creates from `url` (default 10). */
  readonly poolSize?: number;
  /** The schema that holds the store's tables (default 'dossier'); created and migrated on open. */
  readonly schema?: string;
  /** Where recorded times come from (default: the system clock). */
  readonly clock?: Clock;
  /** The 32-byte master key that wraps the per-archive data keys. */
  readonly masterKey: Uint8Array;
  /** Subscribers look for new events at least this often when no notification arrives (default 1000 ms). */
  readonly pollMs?: number;
  /**
   * Other processes are told about new events at most this often (default 10 ms): under load, many appends
   * share one NOTIFY. Subscribers in this process are woken at once regardless.
   */
  readonly notifyIntervalMs?: number;
}

export interface PostgresStore {
  readonly pool: Pool;
  readonly schema: string;
  readonly migration: MigrationOutcome;
  readonly events: PostgresEventStore;
  readonly keys: KeyStore;
  readonly checkpoints: CheckpointStore;
  /** Run `fn` in one transaction on one connection: read models, a checkpoint, `events.appendIn`, … */
  transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Save a checkpoint inside the caller's transaction (with the read-model rows it covers). */
  saveCheckpointIn(client: ClientBase, name: string, position: bigint): Promise<void>;
  loadCheckpointIn(client: ClientBase, name: string): Promise<bigint>;
  /**
   * Stop listening and end the pool (unless it was passed in). The ports' own `close()` release only what
   * is theirs (the event store its listener), never the shared pool.
   */
  close(): Promise<void>;
}

/** Open (creating and migrating the schema if needed) the PostgreSQL event store, key store and checkpoints. */
export const openPostgresStore = async (options: PostgresStoreOptions): Promise<PostgresStore> => {
  const names = schemaNames(options.schema ?? 'dossier');
  const owned = !options.pool;
  const url = options.url ?? defaultPgUrl();
  const pool = options.pool ?? new Pool({ connectionString: url, max: options.poolSize ?? 10 });
  if (owned) pool.on('error', () => undefined); // an idle connection dropped: the pool replaces it
  const listenConfig: ClientConfig = {
    ...(owned ? { connectionString: url } : pool.options),
    application_name: `dossier-listen:${names.schema}`,
  };

  let migration: MigrationOutcome;
  try {
    migration = await migrate(pool, names);
  } catch (e) {
    if (owned) await pool.end();
    throw e;
  }

  const horizon = readHorizon(pool, names);
  const notifications = appendNotifications(
    pool,
    names,
    listenConfig,
    options.pollMs ?? 1000,
    options.notifyIntervalMs ?? 10,
  );
  const events = postgresEventStore(pool, names, options.clock ?? systemClock, horizon, notifications);
  const keys = keyStoreOn(postgresKeyStorage(pool, names), options.masterKey);
  let closing: Promise<void> | undefined;

  return {
    pool,
    schema: names.schema,
    migration,
    events,
    keys,
    checkpoints: postgresCheckpointStore(pool, names.schema),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw e;
      } finally {
        client.release(broken);
      }
    },
    saveCheckpointIn: (client, name, position) => saveCheckpointIn(client, name, position, names.schema),
    loadCheckpointIn: (client, name) => loadCheckpointIn(client, name, names.schema),
    close() {
      closing ??= (async () => {
        await events.close();
        if (owned) await pool.end();
      })();
      return closing;
    },
  };
};
