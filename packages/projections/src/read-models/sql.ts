import type { ProjectionContext } from '../projection';

/** Insert or replace one row by its key columns: the one upsert every read model uses, in both dialects. */
export const upsert = async (
  ctx: ProjectionContext,
  base: string,
  key: readonly string[],
  row: Record<string, unknown>,
): Promise<void> => {
  const rest = Object.keys(row).filter((k) => !key.includes(k));
  await ctx.db
    .insertInto(ctx.table(base))
    .values(row)
    .onConflict((oc) =>
      rest.length === 0
        ? oc.columns(key as string[]).doNothing()
        : oc.columns(key as string[]).doUpdateSet(Object.fromEntries(rest.map((k) => [k, row[k]]))),
    )
    .execute();
};

export const update = async (
  ctx: ProjectionContext,
  base: string,
  where: Record<string, unknown>,
  set: Record<string, unknown>,
): Promise<void> => {
  let q = ctx.db.updateTable(ctx.table(base)).set(set);
  for (const [k, v] of Object.entries(where)) q = q.where(k, '=', v);
  await q.execute();
};

export const json = (v: unknown): string => JSON.stringify(v ?? null);
export const bool = (b: boolean): number => (b ? 1 : 0);
/** Positions travel as bigint; both drivers take a decimal string for a BIGINT column. */
export const pos = (p: bigint): string => p.toString();
