import type { CreateTableBuilder } from 'kysely';
import { sql } from 'kysely';
import type { ProjectionContext } from '../projection';
import { runTemplate } from './statement-templates';
import { textArray } from './text-array';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Row = Record<string, unknown>;

/** Largest number of bound parameters one statement carries (below SQLite's and PostgreSQL's limits). */
const MAX_PARAMS = 30_000;
/**
 * Rows per multi-row statement. A fixed size keeps the SQL text of every full chunk the same, so a driver
 * that caches prepared statements (see `cachingSqliteDatabase`) parses it once.
 */
const ROWS_PER_STATEMENT = 250;
/** Keys per select. */
const KEYS_PER_SELECT = 500;

const rowsPerStatement = (width: number) =>
  Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / Math.max(1, width))));

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * The columns of a set of rows, in order of first appearance (a row lacking one writes null there). Rows are
 * plain objects: `for…in` walks their own keys from V8's cache, where `Object.keys` made an array a row.
 */
const columnsOf = (rows: readonly Row[]): string[] => {
  const seen = new Set<string>();
  for (const r of rows) for (const c in r) seen.add(c);
  return [...seen];
};

const flatten = (rows: readonly Row[], columns: readonly string[]): unknown[] => {
  const out: unknown[] = [];
  for (const r of rows) for (const c of columns) out.push(r[c] ?? null);
  return out;
};

const slotRows = (n: number, columns: readonly string[], slot: (i: number) => string): Row[] =>
  Array.from({ length: n }, (_, r) =>
    Object.fromEntries(columns.map((c, j) => [c, slot(r * columns.length + j)])),
  );

/** Rows per statement when they travel as one array a column. */
const ROWS_PER_ARRAYS = 5_000;

/**
 * Per database and table: the type of each column, as the catalog names it (a value arrives as text and is
 * cast to it). Read once a table: a read model's tables keep their columns (a new shape is a new version).
 */
const typesOf = new WeakMap<object, Map<string, Promise<ReadonlyMap<string, string>>>>();

const columnTypes = (ctx: ProjectionContext, table: string): Promise<ReadonlyMap<string, string>> => {
  // the rows as committed will do: the table was made before any row went in
  const db = ctx.committed ?? ctx.db;
  let tables = typesOf.get(db);
  if (!tables) typesOf.set(db, (tables = new Map()));
  let types = tables.get(table);
  if (!types) {
    types = sql<{
      name: string;
      type: string;
    }>`select attname as name, format_type(atttypid, atttypmod) as type
      from pg_attribute where attrelid = to_regclass(${table}) and attnum > 0 and not attisdropped`
      .execute(db)
      .then(({ rows }) => {
        if (rows.length === 0) throw new Error(`read model table ${table} not found`);
        return new Map(rows.map((r) => [r.name, r.type]));
      });
    tables.set(table, types);
    // a failed read is not kept
    types.catch(() => tables.delete(table));
  }
  return types;
};

/**
 * The rows of one `text[]` parameter a column (see `textArray`), side by side (`unnest`), each value cast to
 * its column's type.
 */
const rowsOfArrays = (
  columns: readonly string[],
  types: ReadonlyMap<string, string>,
  slot: (i: number) => string,
) =>
  sql`select ${sql.join(
    columns.map((c) => {
      const type = types.get(c);
      if (type === undefined) throw new Error(`no column ${c}`);
      return type === 'text' ? sql.ref(`u.${c}`) : sql`${sql.ref(`u.${c}`)}::${sql.raw(type)}`;
    }),
  )} from unnest(${sql.join(columns.map((_, j) => sql`${slot(j)}::text[]`))}) as u(${sql.join(
    columns.map((c) => sql.id(c)),
  )})`;

/**
 * Write many rows by their key columns: `replace` overwrites the other columns of a row that is there,
 * `ignore` leaves it (a replayed batch), `append` expects none there (see `appendRows`). How the values
 * travel is measured per dialect (`pnpm bench:projections`): to SQLite as bound parameters, up to 250 rows a
 * statement (fewer for wide rows: the parameter limit), which its thread binds in C; to PostgreSQL as one
 * `text[]` a column of up to 5,000 rows, in binary format (see `textArray`): pg encodes each bound parameter in
 * JavaScript, so a few long ones cost the thread that folds little, their bytes move to a writer thread
 * without a copy, and the server takes each value as it is, where a JSON parameter of the same rows had it lex
 * and unescape every character (the server's CPU for a rebuild fell by about a sixth, measured).
 */
const writeRows = async (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  rows: readonly Row[],
  onConflict: 'replace' | 'ignore' | 'append',
): Promise<void> => {
  if (rows.length === 0) return;
  const table = ctx.table(base);
  const columns = columnsOf(rows);
  const rest = onConflict === 'replace' ? columns.filter((c) => !key.includes(c)) : [];
  const conflict = (q: any) =>
    onConflict === 'append'
      ? q
      : q.onConflict((oc: any) =>
          rest.length === 0
            ? oc.columns(key as string[]).doNothing()
            : oc
                .columns(key as string[])
                .doUpdateSet((eb: any) => Object.fromEntries(rest.map((c) => [c, eb.ref(`excluded.${c}`)]))),
        );
  if (ctx.dialect === 'postgres') {
    const types = await columnTypes(ctx, table);
    for (const part of chunks(rows, ROWS_PER_ARRAYS))
      await runTemplate(
        ctx,
        `insert-arrays|${onConflict}|${table}|${key.join(',')}|${columns.map((c) => `${c} ${types.get(c)}`).join(',')}`,
        (slot) =>
          conflict(
            ctx.db
              .insertInto(table)
              .columns(columns)
              .expression(rowsOfArrays(columns, types, slot)),
          ),
        columns.map((c) => textArray(part, c)),
      );
    return;
  }
  for (const part of chunks(rows, rowsPerStatement(columns.length)))
    await runTemplate(
      ctx,
      `insert|${onConflict}|${table}|${key.join(',')}|${columns.join(',')}|${part.length}`,
      (slot) => conflict(ctx.db.insertInto(table).values(slotRows(part.length, columns, slot))),
      flatten(part, columns),
    );
};

/** Insert or replace many rows by their key columns. */
export const upsertRows = (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  rows: readonly Row[],
): Promise<void> => writeRows(ctx, base, key, rows, 'replace');

/**
 * Insert many rows that are new by construction, with no check for a row already there (on PostgreSQL that
 * check took about a sixth of the server's CPU for a rebuild's writes, measured): each row derives from one
 * event and is written in the commit that moves the read model past that event, whose guarded checkpoint or
 * cursor move comes first (see the runner), so no commit writes it twice. A row already there fails the commit.
 */
export const appendRows = (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  rows: readonly Row[],
): Promise<void> => writeRows(ctx, base, key, rows, 'append');

/** Insert many rows, ignoring rows whose key is there already (a replayed batch). */
export const insertRows = (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  rows: readonly Row[],
): Promise<void> => writeRows(ctx, base, key, rows, 'ignore');

/** Rows whose first key column is one of `values`. */
export const selectWhereIn = async (
  ctx: ProjectionContext,
  base: string,
  column: string,
  values: readonly string[],
): Promise<Row[]> => {
  const table = ctx.table(base);
  const out: Row[] = [];
  for (const part of chunks([...new Set(values)], KEYS_PER_SELECT)) {
    const res = await runTemplate<Row>(
      ctx,
      `select-in|${table}|${column}|${part.length}`,
      (slot) =>
        ctx.db
          .selectFrom(table)
          .selectAll()
          .where(
            column,
            'in',
            part.map((_, i) => slot(i)),
          ),
      part,
    );
    for (const r of res.rows) out.push(r);
  }
  return out;
};

/**
 * Rows whose key columns match one of `keys` exactly (each key lists the values of `columns`, in order).
 * Selected as `c1 IN (…) AND c2 IN (…)` — plain lists both dialects plan as index lookups, unlike row-value
 * lists — and narrowed to the exact keys here.
 */
export const selectByKeys = async (
  ctx: ProjectionContext,
  base: string,
  columns: readonly string[],
  keys: readonly (readonly string[])[],
): Promise<Row[]> => {
  if (columns.length === 1)
    return selectWhereIn(
      ctx,
      base,
      columns[0]!,
      keys.map((k) => k[0]!),
    );
  const table = ctx.table(base);
  const wanted = new Set(keys.map((k) => k.join('\u0000')));
  const out: Row[] = [];
  for (const part of chunks([...new Map(keys.map((k) => [k.join('\u0000'), k])).values()], KEYS_PER_SELECT)) {
    const lists = columns.map((_, j) => [...new Set(part.map((k) => k[j]!))]);
    const res = await runTemplate<Row>(
      ctx,
      `select-keys|${table}|${columns.join(',')}|${lists.map((l) => l.length).join(',')}`,
      (slot) => {
        let q = ctx.db.selectFrom(table).selectAll();
        let n = 0;
        for (const [j, list] of lists.entries())
          q = q.where(
            columns[j]!,
            'in',
            list.map(() => slot(n++)),
          );
        return q;
      },
      lists.flat(),
    );
    for (const r of res.rows) if (wanted.has(columns.map((c) => String(r[c])).join('\u0000'))) out.push(r);
  }
  return out;
};

export const deleteWhereIn = async (
  ctx: ProjectionContext,
  base: string,
  column: string,
  values: readonly string[],
): Promise<void> => {
  for (const part of chunks([...new Set(values)], 5000))
    await ctx.db.deleteFrom(ctx.table(base)).where(column, 'in', part).execute();
};

export const json = (v: unknown): string => JSON.stringify(v ?? null);
export const bool = (b: boolean): number => (b ? 1 : 0);
/** Positions travel as bigint; both drivers take a decimal string for a BIGINT column. */
export const pos = (p: bigint): string => p.toString();

export type TableBuilder = CreateTableBuilder<string, never>;
