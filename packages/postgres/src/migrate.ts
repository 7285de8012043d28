import type { Pool } from 'pg';
import type { Migration } from './migrations';
import { migrations as knownMigrations } from './migrations';
import type { SchemaNames } from './schema-names';
import { SQLSTATE, sqlState } from './sql-errors';

/** The database was migrated by a newer version of this package: running old code against it is refused. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly schema: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the Dossier schema "${schema}" is at version ${found}, but this @dossier/postgres only knows versions up to ` +
        `${known}; refusing to use a schema migrated by newer code. Upgrade @dossier/postgres (or use another schema).`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface MigrationOutcome {
  readonly schema: string;
  /** The version found before (0: a new schema). */
  readonly from: number;
  readonly to: number;
  /** The versions this call applied (empty when the schema was already current). */
  readonly applied: readonly number[];
}

/** Advisory-lock class of the migration lock ('DOSS'); the object id is the schema tag. */
const MIGRATION_LOCK_CLASS = 0x444f5353;

const currentVersion = async (pool: Pool, names: SchemaNames): Promise<number | undefined> => {
  try {
    const res = await pool.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${names.q}.schema_migrations`,
    );
    return res.rows[0]?.v ?? 0;
  } catch (e) {
    const code = sqlState(e);
    if (code === SQLSTATE.undefinedTable || code === SQLSTATE.invalidSchemaName) return undefined;
    throw e;
  }
};

/**
 * Bring the schema to the newest version this code knows. Versioned and idempotent: each migration runs once,
 * in order, recorded in `schema_migrations`, all in one transaction under an advisory lock, so concurrent
 * starters queue up and the later ones find nothing left to do. A schema newer than the code is refused.
 */
export const migrate = async (
  pool: Pool,
  names: SchemaNames,
  migrations: readonly Migration[] = knownMigrations,
): Promise<MigrationOutcome> => {
  const latest = migrations.at(-1)?.version ?? 0;
  const seen = await currentVersion(pool, names);
  if (seen !== undefined && seen > latest) throw new SchemaTooNewError(names.schema, seen, latest);
  if (seen === latest) return { schema: names.schema, from: seen, to: seen, applied: [] };

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK_CLASS, names.tag]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.q}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.q}.schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const res = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${names.q}.schema_migrations`,
    );
    const from = res.rows[0]?.v ?? 0;
    if (from > latest) throw new SchemaTooNewError(names.schema, from, latest);
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= from) continue;
      await client.query(m.up(names));
      await client.query(`INSERT INTO ${names.q}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { schema: names.schema, from, to: Math.max(from, latest), applied };
  } catch (e) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw e;
  } finally {
    client.release(broken);
  }
};
