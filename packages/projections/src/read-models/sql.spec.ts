import Database from 'better-sqlite3';
import { defaultPolicyConfig } from '@dossier/core';
import type { ProjectionContext } from '../projection';
import { cachingSqliteDatabase } from '../statement-cache';
import { postgresKysely, sqliteKysely } from '../testing-db';
import { sql } from 'kysely';
import { insertRows, selectByKeys, upsertRows } from './sql';
import { runTemplate } from './statement-templates';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe.each([
  ['sqlite', async () => sqliteKysely()],
  ['postgres', async () => postgresKysely()],
] as const)('read-model statements on %s (issue #4)', (dialect, open) => {
  const withTable = async (fn: (ctx: ProjectionContext) => Promise<void>) => {
    const handle = await open();
    if (!handle) return console.warn('PostgreSQL unreachable: skipped');
    try {
      const ctx: ProjectionContext = {
        db: handle.db,
        table: (base) => `t_${base}`,
        config: defaultPolicyConfig,
        dialect,
      };
      await handle.db.schema
        .createTable('t_pairs')
        .addColumn('a', 'text', (c) => c.notNull())
        .addColumn('b', 'text', (c) => c.notNull())
        .addColumn('v', 'text')
        .addColumn('w', 'text')
        .addPrimaryKeyConstraint('t_pairs_pk', ['a', 'b'])
        .execute();
      await fn(ctx);
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  };

  it('selectByKeys answers exactly the keys asked for, not every combination of their columns', () =>
    withTable(async (ctx) => {
      await insertRows(
        ctx,
        'pairs',
        ['a', 'b'],
        [
          { a: 'a1', b: 'r1', v: '1' },
          { a: 'a1', b: 'r2', v: '2' },
          { a: 'a2', b: 'r1', v: '3' },
          { a: 'a2', b: 'r2', v: '4' },
        ],
      );
      const rows = await selectByKeys(
        ctx,
        'pairs',
        ['a', 'b'],
        [
          ['a1', 'r1'],
          ['a2', 'r2'],
          ['a3', 'r1'],
          ['a1', 'r1'],
        ],
      );
      expect(rows.map((r) => r.v).sort()).toEqual(['1', '4']);
    }));

  it('upserts of many rows in fixed-size statements: every row lands once, a missing column is null', () =>
    withTable(async (ctx) => {
      // 600 rows: two full statements of 250 and one of 100, the full ones sharing one compiled text
      const rows = Array.from({ length: 600 }, (_, i) => ({ a: `a${i}`, b: 'r', v: `v${i}` }));
      await upsertRows(ctx, 'pairs', ['a', 'b'], rows);
      await upsertRows(
        ctx,
        'pairs',
        ['a', 'b'],
        [
          { a: 'a1', b: 'r', w: 'only w' },
          { a: 'a2', b: 'r', v: 'new v', w: 'w2' },
        ],
      );
      await insertRows(ctx, 'pairs', ['a', 'b'], [{ a: 'a3', b: 'r', v: 'ignored' }]);
      const all = (await ctx.db.selectFrom('t_pairs').selectAll().execute()) as any[];
      expect(all).toHaveLength(600);
      const by = new Map(all.map((r) => [r.a, r]));
      expect(by.get('a1')).toEqual({ a: 'a1', b: 'r', v: null, w: 'only w' });
      expect(by.get('a2')).toEqual({ a: 'a2', b: 'r', v: 'new v', w: 'w2' });
      expect(by.get('a3')).toEqual({ a: 'a3', b: 'r', v: 'v3', w: null });
      expect(by.get('a599')!.v).toBe('v599');
    }));

  it('every value reaches its column as it was: text of any characters, numbers to their types, null as null', () =>
    withTable(async (ctx) => {
      await ctx.db.schema
        .createTable('t_typed')
        .addColumn('k', 'text', (c) => c.primaryKey())
        .addColumn('t', 'text')
        .addColumn('big', 'bigint')
        .addColumn('n', 'integer')
        .execute();
      const texts = [
        'plain',
        '',
        'quotes " and \\ backslash, \ttab, \nnewline',
        '客户档案 — 借阅 ✓ 𝌆',
        '{"json":["as", "text"]}',
        'NULL',
        '{a,b}',
      ];
      const rows = [
        ...texts.map((t, i) => ({ k: `k${i}`, t, big: '1234567890123', n: i })),
        { k: 'nulls', t: null, big: null, n: undefined },
        { k: 'negative', t: 'x', big: '-42', n: -7 },
      ];
      await upsertRows(ctx, 'typed', ['k'], rows);
      const back = new Map(
        ((await ctx.db.selectFrom('t_typed').selectAll().execute()) as any[]).map((r) => [r.k, r]),
      );
      texts.forEach((t, i) => {
        expect(back.get(`k${i}`)!.t).toBe(t);
        // a bigint column comes back as text on PostgreSQL, as a number on SQLite
        expect(String(back.get(`k${i}`)!.big)).toBe('1234567890123');
        expect(Number(back.get(`k${i}`)!.n)).toBe(i);
      });
      expect(back.get('nulls')).toEqual({ k: 'nulls', t: null, big: null, n: null });
      expect(String(back.get('negative')!.big)).toBe('-42');
      expect(Number(back.get('negative')!.n)).toBe(-7);
    }));
});

describe('statement templates (issue #4)', () => {
  it('refuse a statement whose values are not all bound slots: a value would bind in the wrong place', async () => {
    const handle = sqliteKysely();
    const ctx: ProjectionContext = {
      db: handle.db,
      table: (base) => base,
      config: defaultPolicyConfig,
      dialect: 'sqlite',
    };
    try {
      await expect(
        runTemplate(ctx, 'inlined', (slot) => handle.db.selectNoFrom(sql.lit(slot(0)).as('x')), ['a']),
      ).rejects.toThrow('a slot was inlined, not bound');
      await expect(
        runTemplate(ctx, 'fixed value', () => handle.db.selectNoFrom(sql.val('not a slot').as('x')), []),
      ).rejects.toThrow('a value is not a slot');
      const ok = await runTemplate<{ x: string }>(
        ctx,
        'bound',
        (slot) => handle.db.selectNoFrom(sql<string>`${slot(0)}`.as('x')),
        ['bound value'],
      );
      expect(ok.rows).toEqual([{ x: 'bound value' }]);
    } finally {
      await handle.cleanup();
    }
  });
});

describe('cachingSqliteDatabase (issue #4)', () => {
  it('prepares one SQL text once, and never hands out a statement that is still iterating', () => {
    const raw = new Database(':memory:');
    let prepared = 0;
    const counting = {
      close: () => raw.close(),
      prepare: (sql: string) => {
        prepared++;
        return raw.prepare(sql);
      },
    };
    const db = cachingSqliteDatabase(counting, 2);
    db.prepare('create table t (x integer)').run([]);
    for (let i = 0; i < 3; i++) db.prepare('insert into t values (?)').run([i]);
    expect(prepared).toBe(2);
    const select = 'select x from t order by x';
    const outer = db.prepare(select).iterate([]) as Iterator<{ x: number }>;
    expect(outer.next().value).toEqual({ x: 0 });
    // the cached statement is busy iterating: the same text gets a statement of its own
    expect(db.prepare(select).all([])).toEqual([{ x: 0 }, { x: 1 }, { x: 2 }]);
    expect(outer.next().value).toEqual({ x: 1 });
    outer.return?.();
    // capacity 2: the least recently used text is prepared again
    db.prepare('select 1').all([]);
    db.prepare('select 2').all([]);
    const before = prepared;
    db.prepare('insert into t values (?)').run([9]);
    expect(prepared).toBe(before + 1);
    db.close();
  });
});
