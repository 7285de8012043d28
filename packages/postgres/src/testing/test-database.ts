/* Test helpers for packages that need a real PostgreSQL: reachability (skip or fail), throwaway databases. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { defaultPgUrl } from '../open-store';

const CHECKED = 'DOSSIER_PG_CHECKED';

/** Is the server at DOSSIER_PG_URL reachable? Checked once per process tree (synchronously: jest needs the answer
 *  while it collects tests), remembered in the environment. */
export const pgReachability = (): { readonly ok: boolean; readonly reason: string; readonly url: string } => {
  const url = defaultPgUrl();
  if (process.env[CHECKED] === undefined) {
    const probe = `
      const { Client } = require(${JSON.stringify(require.resolve('pg'))});
      const c = new Client({ connectionString: process.env.DOSSIER_PG_URL, connectionTimeoutMillis: 3000 });
      c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(
        () => process.exit(0),
        (e) => { process.stdout.write(String(e && e.message || e)); process.exit(1); });`;
    const res = spawnSync(process.execPath, ['-e', probe], {
      env: { ...process.env, DOSSIER_PG_URL: url },
      encoding: 'utf8',
      timeout: 10_000,
    });
    process.env[CHECKED] =
      res.status === 0 ? 'ok' : (res.stdout || res.stderr || 'no answer').trim() || 'no answer';
  }
  const state = process.env[CHECKED]!;
  return { ok: state === 'ok', reason: state, url };
};

/** True when an unreachable server must fail the tests rather than skip them. */
export const pgRequired = (): boolean => process.env.DOSSIER_REQUIRE_PG === '1';

/**
 * `describe` for tests that need PostgreSQL: skipped, with the reason in the title, when the server is
 * unreachable; a failing test instead when DOSSIER_REQUIRE_PG=1.
 */
export const describePg = (title: string, fn: () => void): void => {
  const pg = pgReachability();
  if (pg.ok) return describe(title, fn);
  const why = `PostgreSQL unreachable at ${pg.url} (${pg.reason})`;
  if (pgRequired()) {
    describe(title, () => {
      it('needs PostgreSQL (DOSSIER_REQUIRE_PG=1)', () => {
        throw new Error(
          `${why}; DOSSIER_REQUIRE_PG=1 makes this a failure. Set DOSSIER_PG_URL or start the server.`,
        );
      });
    });
    return;
  }
  describe.skip(`${title} [skipped: ${why}; set DOSSIER_REQUIRE_PG=1 to fail instead]`, fn);
};

export interface TestDatabase {
  readonly name: string;
  /** A URL to the new database (same server and credentials as DOSSIER_PG_URL). */
  readonly url: string;
  /** Drop the database, closing whatever connections are left. */
  drop(): Promise<void>;
}

const adminQuery = async (sql: string): Promise<void> => {
  const c = new Client({ connectionString: defaultPgUrl() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

/** Create a fresh, empty database `<prefix>_<random>` for one test file. */
export const createTestDatabase = async (prefix = 'dossier_test'): Promise<TestDatabase> => {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new RangeError(`bad database prefix ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(defaultPgUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
};
