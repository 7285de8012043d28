import { sql } from 'kysely';
import type { Projection } from '../projection';
import { forEachEvent } from '../projection';

/** 8. Analysis report (004 §5.1.4): movements between tiers per month (the distribution comes from the list). */
export const tierMovements: Projection = {
  name: 'tier-movements',
  version: 1,
  tables: ['tier_movements'],
  // counts, whose sums do not depend on the order the events come in
  perStream: true,
  // no event's metadata
  readsMetadataOf: [],
  async createTables(ctx) {
    const t = ctx.table('tier_movements');
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('from_tier', 'text', (c) => c.notNull())
      .addColumn('to_tier', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${t}_pk`, ['month', 'from_tier', 'to_tier'])
      .execute();
  },
  async applyBatch(ctx, events) {
    const counts = new Map<
      string,
      { month: string; from_tier: string; to_tier: string; direction: string; count: number }
    >();
    forEachEvent(events, (e) => {
      if (e.kind !== 'archive' || e.event.type !== 'TierChanged') return;
      const d = e.event.data;
      const key = `${d.at.slice(0, 7)}:${d.from}:${d.to}`;
      const c = counts.get(key) ?? {
        month: d.at.slice(0, 7),
        from_tier: d.from,
        to_tier: d.to,
        direction: d.direction,
        count: 0,
      };
      c.count++;
      counts.set(key, c);
    });
    if (counts.size === 0) return;
    const t = ctx.table('tier_movements');
    await ctx.db
      .insertInto(t)
      .values([...counts.values()])
      .onConflict((oc) =>
        oc
          .columns(['month', 'from_tier', 'to_tier'])
          .doUpdateSet((eb) => ({ count: sql`${sql.ref(`${t}.count`)} + ${eb.ref('excluded.count')}` })),
      )
      .execute();
  },
};
