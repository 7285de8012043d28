/* Real databases for the worker's specs and benchmark: a SQLite file, or a fresh PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Kysely as KyselyDb, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Clock, EventStore, KeyStore } from '@dossier/core';
import { defaultPgUrl, openPostgresStore } from '@dossier/postgres';
import { openSqliteStore } from '@dossier/sqlite';
import { sqliteReadModels } from '../store-url';

/* eslint-disable @typescript-eslint/no-explicit-any */

export type Dialect = 'sqlite' | 'postgres';

export interface StoreUnderTest {
  readonly dialect: Dialect;
  readonly events: EventStore;
  readonly keys: KeyStore;
  readonly db: Kysely<any>;
  /** What a child process passes as DOSSIER_STORE_URL. */
  readonly url: string;
  readonly masterKey: Uint8Array;
  close(): Promise<void>;
}

/** A fresh PostgreSQL database, or undefined when the server is unreachable (thrown when DOSSIER_REQUIRE_PG=1). */
export const freshPostgresDatabase = async (): Promise<
  { url: string; drop(): Promise<void> } | undefined
> => {
  const admin = new Pool({ connectionString: defaultPgUrl(), max: 1 });
  try {
    await admin.query('select 1');
  } catch (e) {
    await admin.end();
    if (process.env.DOSSIER_REQUIRE_PG === '1')
      throw new Error(
        `PostgreSQL is required (DOSSIER_REQUIRE_PG=1) but unreachable: ${(e as Error).message}`,
      );
    return undefined;
  }
  const name = `dossier_worker_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(defaultPgUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
};

export const openStoreUnderTest = async (
  dialect: Dialect,
  clock?: Clock,
): Promise<StoreUnderTest | undefined> => {
  const masterKey = new Uint8Array(randomBytes(32));
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-worker-'));
    const path = join(dir, 'dossier.db');
    const store = openSqliteStore({ path, masterKey, synchronous: 'NORMAL', ...(clock ? { clock } : {}) });
    const db = sqliteReadModels(path);
    return {
      dialect,
      events: store.events,
      keys: store.keys,
      db,
      url: `sqlite:${path}`,
      masterKey,
      async close() {
        await db.destroy();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await freshPostgresDatabase();
  if (!database) return undefined;
  const store = await openPostgresStore({
    url: database.url,
    masterKey,
    pollMs: 100,
    ...(clock ? { clock } : {}),
  });
  const db = new KyselyDb<any>({ dialect: new PostgresDialect({ pool: store.pool }) });
  return {
    dialect,
    events: store.events,
    keys: store.keys,
    db,
    url: database.url,
    masterKey,
    async close() {
      await store.close();
      await database.drop();
    },
  };
};
