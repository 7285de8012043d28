import type { CreateTableBuilder } from 'kysely';
import type { ProjectionContext } from '../projection';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Row = Record<string, unknown>;

/** Largest number of bound parameters one statement carries (below SQLite's and PostgreSQL's limits). */
const MAX_PARAMS = 30_000;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Insert or replace many rows by their key columns, in as few statements as the parameter limit allows. */
export const upsertRows = async (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  rows: readonly Row[],
): Promise<void> => {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const rest = columns.filter((c) => !key.includes(c));
  for (const part of chunks(rows, Math.max(1, Math.floor(MAX_PARAMS / columns.length)))) {
    await ctx.db
      .insertInto(ctx.table(base))
      .values(part as Row[])
      .onConflict((oc) =>
        rest.length === 0
          ? oc.columns(key as string[]).doNothing()
          : oc
              .columns(key as string[])
              .doUpdateSet((eb: any) => Object.fromEntries(rest.map((c) => [c, eb.ref(`excluded.${c}`)]))),
      )
      .execute();
  }
};

/** Insert many rows, ignoring rows whose key is there already (a replayed batch). */
export const insertRows = async (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  rows: readonly Row[],
): Promise<void> => {
  if (rows.length === 0) return;
  const width = Object.keys(rows[0]!).length;
  for (const part of chunks(rows, Math.max(1, Math.floor(MAX_PARAMS / width))))
    await ctx.db
      .insertInto(ctx.table(base))
      .values(part as Row[])
      .onConflict((oc) => oc.columns(key as string[]).doNothing())
      .execute();
};

/** Rows whose first key column is one of `values`. */
export const selectWhereIn = async (
  ctx: ProjectionContext,
  base: string,
  column: string,
  values: readonly string[],
): Promise<Row[]> => {
  const out: Row[] = [];
  for (const part of chunks([...new Set(values)], 5000))
    out.push(
      ...((await ctx.db
        .selectFrom(ctx.table(base))
        .selectAll()
        .where(column, 'in', part)
        .execute()) as Row[]),
    );
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
