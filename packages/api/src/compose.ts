import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import type { CommandHandler, EventStore, KeyStore, PolicyConfig, ReadModelWriter } from '@dossier/core';
import { commandHandler, defaultPolicyConfig } from '@dossier/core';
import type { Projection, ProjectionRunner } from '@dossier/projections';
import { allReadModels, cachingSqliteDatabase, projectionRunner } from '@dossier/projections';
import { isEventStoreDbUrl, openEventStoreDb } from '@dossier/eventstoredb';
import { openPostgresStore, postgresReadModelWriters } from '@dossier/postgres';
import type { Synchronous } from '@dossier/sqlite';
import { openSqliteStore, sqliteReadModelWriter } from '@dossier/sqlite';
import type { MovableClock } from './clock';
import { movableClock } from './clock';
import type { SigningKey } from './integrity/signing-key';
import { loadSigningKey } from './integrity/signing-key';
import { loadMasterKey } from './master-key';
import { entityIndex } from './read-models/entity-index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadDb = Kysely<any>;
export type Dialect = 'sqlite' | 'postgres';

/** What the worker (packages/worker) is handed when it runs in this process. */
export interface WorkerDeps {
  readonly events: EventStore;
  readonly keys: KeyStore;
  readonly db: ReadDb;
  readonly dialect: Dialect;
  readonly handler: CommandHandler;
  readonly clock: MovableClock;
  readonly config: PolicyConfig;
  /** The main process's projection runner (it projects the worker's own read models too). */
  readonly runner: ProjectionRunner;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/** The hook for the worker: its read models (run by the main runner) and how to start it on the opened stores. */
export interface WorkerHook {
  readonly projections?: readonly Projection[];
  start(deps: WorkerDeps): Promise<RunningWorker | void> | RunningWorker | void;
}

/** Everything the API runs on, opened from one store URL. */
export interface Dossier {
  readonly events: EventStore;
  readonly keys: KeyStore;
  readonly clock: MovableClock;
  readonly config: PolicyConfig;
  readonly handler: CommandHandler;
  readonly readDb: ReadDb;
  readonly dialect: Dialect;
  readonly runner: ProjectionRunner;
  readonly signingKey: SigningKey;
  /** Where things are, for the start-up banner. */
  readonly describe: {
    readonly store: string;
    readonly readModels: string;
    readonly masterKey: string;
    readonly signingKey: string;
  };
  /** Start the worker hook, if there is one and it is not running yet; true when it runs. */
  startWorker(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ComposeOptions {
  /** `sqlite:./data/dossier.db` (default) or `postgres://…`. */
  readonly storeUrl?: string;
  /** Read models elsewhere than beside the events: `postgres://…`, or (with SQLite events) another `sqlite:<file>`. */
  readonly readModelsUrl?: string;
  /** Base64, 32 bytes; for SQLite a `master.key` beside the file is used (and created) when absent. */
  readonly masterKeyBase64?: string;
  /** Ed25519 private key (PKCS#8 PEM) that signs digests; else `signing.key` beside the SQLite file. */
  readonly signingKeyPem?: string;
  readonly config?: PolicyConfig;
  /** SQLite durability of the event store (FULL by default). */
  readonly synchronous?: Synchronous;
  /** Poll interval of the projection runner (ms). */
  readonly projectionPollMs?: number;
  /** Start the worker in-process (see `loadWorker` in main.ts). */
  readonly worker?: WorkerHook;
  /** Start the worker at once (default); false leaves it to `startWorker()` (after loading demo data). */
  readonly startWorker?: boolean;
}

export const DEFAULT_STORE_URL = 'sqlite:./data/dossier.db';

/** `sqlite:./data/dossier.db`, `sqlite:/abs/file.db`, `sqlite:///abs/file.db` → the path. */
export const sqlitePathOf = (url: string): string => {
  const rest = url.slice('sqlite:'.length);
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (!path || path === ':memory:')
    throw new Error(`${url}: the API needs a database file (its read models use a second connection to it)`);
  return resolve(path);
};

const isPostgres = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** A second connection to the SQLite file, for the read models (kysely). */
const sqliteReadModels = (path: string): ReadDb => {
  const database = new Database(path, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  // read models are rebuilt from the log: they need not survive a power cut, only stay consistent
  database.pragma('synchronous = NORMAL');
  // a page cache of 64 MiB: the read models' tables and indexes stay in memory as they grow
  database.pragma('cache_size = -65536');
  return new Kysely({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }) });
};

const postgresReadModels = (url: string): ReadDb => {
  const pool = new Pool({ connectionString: url, max: 8 });
  pool.on('error', () => undefined);
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
};

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * Composition: open the stores named by the URL, the read-model database, the projection runner (every read
 * model of packages/projections plus the API's entity index), the command handler, and — when given — the worker.
 *
 * SQLite: events, keys and checkpoints in the file through @dossier/sqlite; read models in the same file through
 * a second better-sqlite3 connection. The two never deadlock in one process: the store's writer runs a whole
 * BEGIN…COMMIT synchronously, and the runner's kysely transactions on better-sqlite3 only ever await settled
 * promises, so neither holds the write lock while the other runs.
 */
export const composeDossier = async (options: ComposeOptions = {}): Promise<Dossier> => {
  const storeUrl = options.storeUrl ?? DEFAULT_STORE_URL;
  const config = options.config ?? defaultPolicyConfig;
  const clock = movableClock();
  const closers: (() => Promise<void>)[] = [];
  try {
    let events: EventStore;
    let keys: KeyStore;
    let readDb: ReadDb;
    let writer: ReadModelWriter | undefined;
    /** PostgreSQL read models: their commits go through writers on a thread of their own (one per read model). */
    let pgReadModelsUrl: string | undefined;
    let dialect: Dialect;
    let readModels: string;
    let masterKeySource: string;
    let signingKeyFile: string | undefined;
    if (storeUrl.startsWith('sqlite:')) {
      const path = sqlitePathOf(storeUrl);
      const master = loadMasterKey({
        base64: options.masterKeyBase64,
        file: join(dirname(path), 'master.key'),
      });
      masterKeySource = master.source;
      const store = openSqliteStore({ path, masterKey: master.key, clock, synchronous: options.synchronous });
      closers.push(() => store.close());
      events = store.events;
      keys = store.keys;
      signingKeyFile = join(dirname(path), 'signing.key');
      if (options.readModelsUrl && isPostgres(options.readModelsUrl)) {
        readDb = postgresReadModels(options.readModelsUrl);
        pgReadModelsUrl = options.readModelsUrl;
        dialect = 'postgres';
        readModels = redact(options.readModelsUrl);
      } else {
        // a file of their own (`sqlite:…`) keeps read-model writes out of the event store's WAL and fsyncs
        const rmPath = options.readModelsUrl?.startsWith('sqlite:')
          ? sqlitePathOf(options.readModelsUrl)
          : path;
        if (rmPath !== path) mkdirSync(dirname(rmPath), { recursive: true });
        readDb = sqliteReadModels(rmPath);
        // the runner's commits go through a thread of their own, while it folds the next batch here
        writer = sqliteReadModelWriter({ path: rmPath, synchronous: 'NORMAL' });
        dialect = 'sqlite';
        readModels = rmPath === path ? `${path} (second connection)` : rmPath;
      }
      closers.unshift(() => readDb.destroy());
    } else if (isPostgres(storeUrl)) {
      const master = loadMasterKey({ base64: options.masterKeyBase64 });
      masterKeySource = master.source;
      const store = await openPostgresStore({ url: storeUrl, masterKey: master.key, clock });
      closers.push(() => store.close());
      events = store.events;
      keys = store.keys;
      readDb = postgresReadModels(options.readModelsUrl ?? storeUrl);
      pgReadModelsUrl = options.readModelsUrl ?? storeUrl;
      closers.unshift(() => readDb.destroy());
      dialect = 'postgres';
      readModels = redact(options.readModelsUrl ?? storeUrl);
      signingKeyFile = options.signingKeyPem ? undefined : resolve('data', 'signing.key');
    } else if (isEventStoreDbUrl(storeUrl)) {
      // events in EventStoreDB; keys, checkpoints and read models where deleting really deletes
      // (EventStoreDB keeps deleted events readable through $all until a scavenge): see packages/eventstoredb
      const side = options.readModelsUrl;
      if (!side)
        throw new Error(
          'DOSSIER_READ_MODELS_URL is required with an EventStoreDB store: postgres://… or sqlite:<file> for keys and read models',
        );
      const esdb = await openEventStoreDb({ url: storeUrl, clock });
      closers.push(() => esdb.close());
      events = esdb;
      if (isPostgres(side)) {
        const master = loadMasterKey({ base64: options.masterKeyBase64 });
        masterKeySource = master.source;
        const pg = await openPostgresStore({ url: side, masterKey: master.key, clock });
        closers.push(() => pg.close());
        keys = pg.keys;
        readDb = postgresReadModels(side);
        pgReadModelsUrl = side;
        dialect = 'postgres';
        signingKeyFile = options.signingKeyPem ? undefined : resolve('data', 'signing.key');
      } else {
        const path = sqlitePathOf(side);
        const master = loadMasterKey({
          base64: options.masterKeyBase64,
          file: join(dirname(path), 'master.key'),
        });
        masterKeySource = master.source;
        const local = openSqliteStore({
          path,
          masterKey: master.key,
          clock,
          synchronous: options.synchronous,
        });
        closers.push(() => local.close());
        keys = local.keys;
        readDb = sqliteReadModels(path);
        dialect = 'sqlite';
        signingKeyFile = join(dirname(path), 'signing.key');
      }
      closers.unshift(() => readDb.destroy());
      readModels = redact(side);
    } else {
      throw new Error(
        `DOSSIER_STORE_URL: unsupported store ${redact(storeUrl)} (sqlite:<file>, postgres://… or esdb://…)`,
      );
    }
    const signingKey = loadSigningKey({ pem: options.signingKeyPem, file: signingKeyFile });
    const handler = commandHandler({ store: events, keys, clock, config });
    // on PostgreSQL the commits' round trips run on that thread, not between the batches folded here
    const pgWriters = pgReadModelsUrl ? postgresReadModelWriters({ url: pgReadModelsUrl }) : undefined;
    if (pgWriters) closers.unshift(() => pgWriters.close());
    const runner = projectionRunner({
      store: events,
      db: readDb,
      dialect,
      config,
      projections: [...allReadModels(), entityIndex, ...(options.worker?.projections ?? [])],
      pollMs: options.projectionPollMs ?? 100,
      onError: (e) => console.error(`[dossier] read model stopped: ${e.message}`),
      ...(writer ? { writer } : {}),
      ...(pgWriters ? { writers: () => pgWriters.writer() } : {}),
    });
    const ownWriter = writer;
    if (ownWriter) closers.unshift(() => ownWriter.close());
    await runner.start();
    closers.unshift(() => runner.stop());
    let worker: Promise<boolean> | undefined;
    const startWorker = (): Promise<boolean> => {
      const hook = options.worker;
      if (!hook) return Promise.resolve(false);
      worker ??= (async () => {
        const running = await hook.start({
          events,
          keys,
          db: readDb,
          dialect,
          handler,
          clock,
          config,
          runner,
        });
        if (running) closers.unshift(() => running.stop());
        return true;
      })();
      return worker;
    };
    if (options.startWorker !== false) await startWorker();
    let closed: Promise<void> | undefined;
    return {
      events,
      keys,
      clock,
      config,
      handler,
      readDb,
      dialect,
      runner,
      signingKey,
      describe: {
        store: redact(storeUrl),
        readModels,
        masterKey: masterKeySource,
        signingKey: signingKey.source,
      },
      startWorker,
      close() {
        closed ??= (async () => {
          for (const c of closers) await c();
        })();
        return closed;
      },
    };
  } catch (e) {
    for (const c of closers) await c().catch(() => undefined);
    throw e;
  }
};
