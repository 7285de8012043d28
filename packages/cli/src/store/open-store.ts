import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { EventStore, KeyStore } from '@dossier/core';
import type * as EventStoreDb from '@dossier/eventstoredb';
import type * as Postgres from '@dossier/postgres';
import { openSqliteStore } from '@dossier/sqlite';
import { CommandError } from '../cli/errors';
import type { OperatorKey } from './operator-key';
import { operatorMasterKey } from './operator-key';
import type { StoreLocation } from './store-url';
import { describeLocation, sideLocation, storeLocation } from './store-url';

/** The event store and key store of a deployment, opened without the projection runner or the API. */
export interface OpenedStore {
  readonly location: StoreLocation;
  /** Where the keys (and the read models, and the digest key beside them) are. */
  readonly keysLocation: StoreLocation;
  readonly events: EventStore;
  readonly keys: KeyStore;
  /** The key the archives' data keys are unwrapped with; without one every personal value is withheld. */
  readonly masterKey: OperatorKey;
  close(): Promise<void>;
}

const noStore = (path: string) =>
  new CommandError(
    `no store at ${path}: name one with --store sqlite:<file> or DOSSIER_STORE_URL (\`dossier demo\` makes one)`,
  );

/** Events and keys in one SQLite file or one PostgreSQL database. */
const openAt = async (location: Exclude<StoreLocation, { kind: 'esdb' }>, masterKey: Uint8Array) => {
  if (location.kind === 'sqlite') {
    if (!existsSync(location.path)) throw noStore(location.path);
    return openSqliteStore({ path: location.path, masterKey });
  }
  // loaded only for PostgreSQL stores
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openPostgresStore } = require('@dossier/postgres') as typeof Postgres;
  return openPostgresStore({ url: location.url, masterKey });
};

/**
 * Open the store a URL names, where the main job would find it. A SQLite file must exist already: reading
 * commands never create an empty store where the operator mistyped a path.
 */
export const openStore = async (url: string, env: NodeJS.ProcessEnv): Promise<OpenedStore> => {
  const location = storeLocation(url);
  const keysLocation = sideLocation(location, env) as Exclude<StoreLocation, { kind: 'esdb' }>;
  const masterKey = operatorMasterKey(keysLocation, env);
  // without the operator's key, a random one: every unwrap fails, and personal values read as withheld
  const key = masterKey.key ?? new Uint8Array(randomBytes(32));
  const failed = (e: unknown): never => {
    if (e instanceof CommandError) throw e;
    throw new CommandError(`cannot open ${describeLocation(location)}: ${(e as Error).message}`);
  };
  const side = await openAt(keysLocation, key).catch(failed);
  if (location.kind !== 'esdb')
    return {
      location,
      keysLocation,
      events: side.events,
      keys: side.keys,
      masterKey,
      close: () => side.close(),
    };
  try {
    // loaded only for EventStoreDB stores
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { openEventStoreDb } = require('@dossier/eventstoredb') as typeof EventStoreDb;
    const events = await openEventStoreDb({ url: location.url });
    return {
      location,
      keysLocation,
      events,
      keys: side.keys,
      masterKey,
      async close() {
        await events.close();
        await side.close();
      },
    };
  } catch (e) {
    await side.close();
    return failed(e);
  }
};

/** Open, run, close (also on failure). */
export const withStore = async <T>(
  url: string,
  env: NodeJS.ProcessEnv,
  work: (store: OpenedStore) => Promise<T>,
): Promise<T> => {
  const store = await openStore(url, env);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
};
