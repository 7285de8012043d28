import type { ArchiveState } from '@dossier/core';
import { evolve, initialState } from '@dossier/core';
import type { Projection, ProjectionContext } from '../projection';
import { json, pos, upsert } from './sql';

interface Cached {
  state: ArchiveState;
  revision: bigint;
  position: bigint;
  dirty: boolean;
}

/**
 * 2. Archive detail: the current state, with personal values still sealed (opened only on an allowed read).
 * States of a batch are kept in memory and written once per archive at the end of the batch.
 */
export const archiveDetail = (): Projection => {
  const batch = new Map<string, Cached>();
  const load = async (ctx: ProjectionContext, archiveId: string): Promise<Cached> => {
    const hit = batch.get(archiveId);
    if (hit) return hit;
    const row = await ctx.db
      .selectFrom(ctx.table('archive_detail'))
      .select(['state', 'revision', 'position'])
      .where('archive_id', '=', archiveId)
      .executeTakeFirst();
    const c: Cached = row
      ? {
          state: JSON.parse(row.state as string) as ArchiveState,
          revision: BigInt(row.revision),
          position: BigInt(row.position),
          dirty: false,
        }
      : { state: initialState, revision: -1n, position: 0n, dirty: false };
    batch.set(archiveId, c);
    return c;
  };
  return {
    name: 'archive-detail',
    version: 1,
    tables: ['archive_detail'],
    async createTables(ctx) {
      batch.clear();
      await ctx.db.schema
        .createTable(ctx.table('archive_detail'))
        .ifNotExists()
        .addColumn('archive_id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('revision', 'bigint', (c) => c.notNull())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .execute();
    },
    async apply(ctx, e) {
      if (e.kind !== 'archive') return;
      const c = await load(ctx, e.archiveId);
      c.state = evolve(c.state, e.event);
      c.revision = e.recorded.revision;
      c.position = e.recorded.position;
      c.dirty = true;
    },
    async flush(ctx) {
      try {
        for (const [archiveId, c] of batch) {
          if (!c.dirty || c.state.status === 'none') continue;
          await upsert(ctx, 'archive_detail', ['archive_id'], {
            archive_id: archiveId,
            status: c.state.status,
            state: json(c.state),
            revision: pos(c.revision),
            position: pos(c.position),
          });
        }
      } finally {
        batch.clear();
      }
    },
  };
};
