/* Kysely handles on real databases for the projection specs (SQLite file; PostgreSQL when reachable). */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import type { EventStore } from '@dossier/core';
import { commandHandler, fixedClock, inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import type { Projection } from './projection';
import { forEachEvent } from './projection';
import { allReadModels } from './read-models';
import { projectionRunner } from './runner';
import { cachingSqliteDatabase } from './statement-cache';

export const sqliteKysely = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-proj-'));
  const path = join(dir, 'read-models.db');
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }) });
  return {
    db,
    path,
    dir,
    another: () =>
      new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path, { timeout: 10_000 }) }) }),
    async cleanup() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const PG_URL = process.env.DOSSIER_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database, or undefined when the server is absent (a failure when DOSSIER_REQUIRE_PG=1). */
export const postgresKysely = async () => {
  const admin = new Pool({ connectionString: PG_URL, max: 1 });
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
  const name = `dossier_proj_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  // pool.end() resolves before the server has seen its clients go; the forced drop at cleanup may then end
  // one of them with 57P01, which is expected there
  const quiet = (pool: Pool) => pool.on('error', () => undefined);
  const pool = quiet(new Pool({ connectionString: url.toString(), max: 4 }));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    url: url.toString(),
    another: () =>
      new Kysely<any>({
        dialect: new PostgresDialect({ pool: quiet(new Pool({ connectionString: url.toString(), max: 4 })) }),
      }),
    async cleanup() {
      await db.destroy();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
};

/** Every read-model table of a SQLite database, as sorted rows: what "applied exactly once" must reproduce. */
export const sqliteSnapshot = async (db: Kysely<any>) => {
  const tables = (
    await db
      .selectFrom('sqlite_master' as any)
      .select('name')
      .where('type', '=', 'table')
      .where('name', 'like', 'rm_%')
      .execute()
  )
    .map((r) => r.name as string)
    .sort();
  const out: Record<string, string[]> = {};
  for (const t of tables)
    out[t] = (await db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  return out;
};

/**
 * Every read model built from nothing into the SQLite `db`, up to `head`, by one runner in large batches:
 * the reference a run under faults must equal. Answers whether it reached `head`.
 */
export const cleanSqliteBuild = async (
  store: EventStore,
  db: Kysely<any>,
  head: bigint,
): Promise<boolean> => {
  const runner = projectionRunner({
    store,
    db,
    dialect: 'sqlite',
    projections: allReadModels(),
    batchSize: 500,
    // in position order: a path of its own, against which a stream-by-stream rebuild is compared too
    byStream: false,
  });
  await runner.start();
  const reached = await runner.waitFor(head, 30_000);
  await runner.stop();
  return reached;
};

/** An in-memory log and a command handler on it: `ok` runs a command and throws on a refusal. */
export const commandLog = () => {
  const clock = fixedClock('2026-03-02T02:00:00.000Z');
  const store = inMemoryEventStore(clock);
  const h = commandHandler({ store, keys: inMemoryKeyStore(), clock });
  const ok = async (c: unknown) => {
    const r = await h.execute(c);
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
  };
  return { store, ok };
};

/** A read model named `poisoned` that throws on every TierChanged: the poison event of the runner's specs. */
export const throwsOnTierChanged = (options: { perStream?: boolean } = {}): Projection => ({
  name: 'poisoned',
  version: 1,
  tables: [],
  ...(options.perStream ? { perStream: true } : {}),
  async createTables() {},
  async applyBatch(_ctx, events) {
    forEachEvent(events, (e) => {
      if (e.recorded.type === 'TierChanged') throw new Error('boom');
    });
  },
});
