import { Pool } from 'pg';
import { newDataKey } from '@dossier/core';
import {
  LATEST_SCHEMA_VERSION,
  migrate,
  migrations,
  openPostgresStore,
  schemaNames,
  SchemaTooNewError,
} from './index';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg } from './testing';

describePg('schema migrations', () => {
  let db: TestDatabase;
  let pool: Pool;
  const masterKey = newDataKey();

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const versions = async (schema: string) =>
    (
      await pool.query<{ version: number }>(
        `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
      )
    ).rows.map((r) => r.version);

  it('a new schema is created and migrated once; opening it again applies nothing', async () => {
    const first = await openPostgresStore({ url: db.url, schema: 'fresh', masterKey });
    expect(first.migration).toEqual({ schema: 'fresh', from: 0, to: LATEST_SCHEMA_VERSION, applied: [1] });
    await first.close();
    const again = await openPostgresStore({ url: db.url, schema: 'fresh', masterKey });
    expect(again.migration.applied).toEqual([]);
    await again.close();
    expect(await versions('fresh')).toEqual([1]);
  });

  it('concurrent starters do not race: the advisory lock lets one migrate, the others find nothing to do', async () => {
    const stores = await Promise.all(
      Array.from({ length: 8 }, () => openPostgresStore({ url: db.url, schema: 'raced', masterKey })),
    );
    expect(stores.map((s) => s.migration.applied.length).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    await Promise.all(stores.map((s) => s.close()));
    expect(await versions('raced')).toEqual([1]);
  });

  it('a schema migrated by newer code is refused with a clear message', async () => {
    const store = await openPostgresStore({ url: db.url, schema: 'future', masterKey });
    await store.close();
    await pool.query(`INSERT INTO future.schema_migrations (version, name) VALUES ($1, 'from the future')`, [
      LATEST_SCHEMA_VERSION + 1,
    ]);
    const opening = openPostgresStore({ url: db.url, schema: 'future', masterKey });
    await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(opening).rejects.toThrow(
      `the Dossier schema "future" is at version ${LATEST_SCHEMA_VERSION + 1}, but this @dossier/postgres only knows versions up to ${LATEST_SCHEMA_VERSION}`,
    );
    // and by migrate() itself, for any code older than the schema
    await expect(migrate(pool, schemaNames('future'), [])).rejects.toBeInstanceOf(SchemaTooNewError);
  });

  it('migrations are versioned: a later migration applies on top of an existing schema, once', async () => {
    const names = schemaNames('evolving');
    const next = [
      ...migrations,
      {
        version: 2,
        name: 'a test column',
        up: () => `ALTER TABLE evolving.checkpoints ADD COLUMN note text`,
      },
    ];
    expect((await migrate(pool, names)).applied).toEqual([1]);
    expect((await migrate(pool, names, next)).applied).toEqual([2]);
    expect((await migrate(pool, names, next)).applied).toEqual([]);
    await expect(migrate(pool, names)).rejects.toThrow(/at version 2/);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => schemaNames('Robert"); DROP TABLE students; --')).toThrow(/invalid schema name/);
  });
});
