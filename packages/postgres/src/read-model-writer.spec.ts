import { Client } from 'pg';
import { readModelWriterContract } from '@dossier/core/testing';
import { postgresReadModelWriters } from './read-model-writer';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg, pgReachability, pgRequired } from './testing';

/** A fresh database holding `t`, the writers over it, and a client of the test's own to look and to lock. */
const openWriters = async () => {
  const db = await createTestDatabase('dossier_rmw');
  const other = new Client({ connectionString: db.url });
  await other.connect();
  await other.query('create table t (k text primary key, v integer not null)');
  const writers = postgresReadModelWriters({ url: db.url, connections: 4 });
  return {
    db,
    other,
    writers,
    rows: async () =>
      Object.fromEntries(
        (await other.query<{ k: string; v: number }>('select k, v from t')).rows.map((r) => [r.k, r.v]),
      ),
    async close() {
      await writers.close();
      await other.end();
      await db.drop();
    },
  };
};

readModelWriterContract('PostgreSQL (its own thread)', {
  placeholders: 'dollar',
  async open() {
    if (!pgReachability().ok && !pgRequired()) return undefined;
    const o = await openWriters();
    const writer = o.writers.writer();
    return {
      writer,
      rows: o.rows,
      async close() {
        await writer.close();
        await o.close();
      },
    };
  },
});

describePg('PostgreSQL read-model writers (issue #4: commits beside the folding thread)', () => {
  let o: Awaited<ReturnType<typeof openWriters>>;
  let db: TestDatabase;
  beforeEach(async () => {
    o = await openWriters();
    db = o.db;
  });
  afterEach(() => o.close());

  const put = (k: string, v: number) => ({
    sql: 'insert into t (k, v) values ($1, $2) on conflict (k) do update set v = excluded.v',
    parameters: [k, v],
  });

  it('two writers commit side by side: one waiting on a lock does not hold the other back', async () => {
    const [a, b] = [o.writers.writer(), o.writers.writer()];
    await a.commit([put('locked', 0)]);
    // given a row locked by another transaction
    await o.other.query('begin');
    await o.other.query(`select * from t where k = 'locked' for update`);
    // when writer a must wait for it, writer b still commits
    const waiting = a.commit([put('locked', 1)]);
    let aDone = false;
    void waiting.then(() => (aDone = true));
    await b.commit([put('free', 1)]);
    await b.commit([put('free', 2)]);
    expect(aDone).toBe(false);
    // and a commits once the lock goes
    await o.other.query('rollback');
    await waiting;
    expect(await o.rows()).toEqual({ locked: 1, free: 2 });
  });

  it('binds bytes as bytea and leaves nothing behind when a commit fails', async () => {
    await o.other.query('create table b (k text primary key, v bytea not null)');
    const w = o.writers.writer();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await w.commit([{ sql: 'insert into b (k, v) values ($1, $2)', parameters: ['x', bytes] }]);
    await expect(
      w.commit([
        { sql: 'insert into b (k, v) values ($1, $2)', parameters: ['y', Buffer.from('y')] },
        { sql: 'insert into b (k, v) values ($1, $2)', parameters: ['x', Buffer.from('dup')] },
      ]),
    ).rejects.toThrow(/duplicate key/);
    const rows = (await o.other.query<{ k: string; v: Buffer }>('select k, v from b')).rows;
    expect(rows.map((r) => [r.k, [...r.v]])).toEqual([['x', [0, 1, 2, 250, 255]]]);
  });

  it('moves a large byte parameter to its thread (the caller is left an empty buffer) and binds it as the text of a json parameter; a small one is copied', async () => {
    await o.other.query('create table j (k text primary key, v text not null)');
    const w = o.writers.writer();
    const rows = Array.from({ length: 2000 }, (_, i) => ({ k: `k${i}`, v: `客户档案 ${i}` }));
    const large = Buffer.from(JSON.stringify(rows));
    expect(large.byteLength).toBeGreaterThan(64 * 1024);
    const small = Buffer.from(JSON.stringify([{ k: 'small', v: '小' }]));
    const sql = 'insert into j select k, v from json_populate_recordset(null::j, $1::json)';
    const done = w.commit([
      { sql, parameters: [large] },
      { sql, parameters: [small] },
    ]);
    // moved, not copied: the bytes are the thread's now
    expect(large.byteLength).toBe(0);
    expect(small.byteLength).toBeGreaterThan(0);
    await done;
    const got = (await o.other.query<{ k: string; v: string }>('select k, v from j')).rows;
    expect(got).toHaveLength(2001);
    expect(got).toEqual(
      expect.arrayContaining([
        { k: 'k1999', v: '客户档案 1999' },
        { k: 'small', v: '小' },
      ]),
    );
  });

  it('compresses long values with lz4 where the server has it (pglz where not)', async () => {
    await o.other.query('create table z (k text primary key, v text not null)');
    const lz4 = (
      await o.other.query<{ lz4: boolean }>(
        `select 'lz4' = any (enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`,
      )
    ).rows[0]!.lz4;
    await o.writers
      .writer()
      .commit([
        { sql: 'insert into z (k, v) values ($1, $2)', parameters: ['long', '客户档案 '.repeat(20_000)] },
      ]);
    const { rows } = await o.other.query<{ c: string }>(`select pg_column_compression(v) as c from z`);
    expect(rows).toEqual([{ c: lz4 ? 'lz4' : 'pglz' }]);
  });

  it('prepares a statement of few parameters once a connection, and still writes a table made again since', async () => {
    const one = postgresReadModelWriters({ url: db.url, connections: 1 });
    try {
      const w = one.writer();
      await o.other.query('create table seen (statement text)');
      await w.commit([put('a', 1)]);
      await w.commit([put('a', 2)]);
      await w.commit([
        { sql: 'insert into seen select statement from pg_prepared_statements', parameters: [] },
      ]);
      const seen = (await o.other.query<{ statement: string }>('select statement from seen')).rows;
      expect(seen.filter((r) => r.statement === put('a', 2).sql)).toHaveLength(1);
      // the table dropped and made again with another type: the prepared statement is planned again
      await o.other.query('drop table t');
      await o.other.query('create table t (k text primary key, v bigint not null)');
      await w.commit([put('a', 3)]);
      expect(await o.rows()).toEqual({ a: '3' });
      // a long list of parameters is not kept
      const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
      await w.commit([
        {
          sql: `insert into t (k, v) select k, 7 from unnest(array[${keys.map((_, i) => `$${i + 1}`).join(', ')}]::text[]) as k`,
          parameters: keys,
        },
      ]);
      await w.commit([
        { sql: 'insert into seen select statement from pg_prepared_statements', parameters: [] },
      ]);
      const all = (await o.other.query<{ statement: string }>('select statement from seen')).rows;
      expect(all.some((r) => r.statement.includes('unnest(array['))).toBe(false);
      expect(Object.keys(await o.rows())).toHaveLength(101);
    } finally {
      await one.close();
    }
  });

  it('close waits for the commits handed over, then refuses more', async () => {
    const w = o.writers.writer();
    const handed = Array.from({ length: 10 }, (_, i) => w.commit([put(`k${i}`, i)]));
    await o.writers.close();
    await Promise.all(handed);
    expect(Object.keys(await o.rows())).toHaveLength(10);
    await expect(w.commit([put('late', 1)])).rejects.toThrow(/closed/);
  });

  it('rejects commits with the cause when the database cannot be reached, and still closes', async () => {
    const url = new URL(db.url);
    url.pathname = '/dossier_no_such_database';
    const writers = postgresReadModelWriters({ url: url.toString() });
    await expect(writers.writer().commit([put('k', 1)])).rejects.toThrow(/does not exist/);
    await writers.close();
  });
});
