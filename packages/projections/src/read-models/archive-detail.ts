import type { ArchiveState } from '@dossier/core';
import { evolve, initialState } from '@dossier/core';
import type { Projection } from '../projection';
import { forEachEvent } from '../projection';
import { rowCachesByTable } from './row-cache';
import { json, pos, selectWhereIn, upsertRows } from './sql';

interface Folded {
  readonly state: ArchiveState;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * 2. Archive detail: the current state, with personal values still sealed (opened only on an allowed read).
 * A batch folds each archive's state in memory and writes it once; the states written stay cached (bounded)
 * for the next batch.
 */
/** `cached`: characters of state JSON kept in memory between batches. */
export const archiveDetail = (cached = 64_000_000): Projection => {
  const caches = rowCachesByTable<Folded>(cached);
  return {
    name: 'archive-detail',
    version: 1,
    tables: ['archive_detail'],
    reset: () => caches.clear(),
    async createTables(ctx) {
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
    async applyBatch(ctx, events) {
      const states = new Map<string, Folded>();
      const cache = caches.of(ctx.table('archive_detail'));
      cache.nextBatch((ctx.batchesUnderWay ?? 0) + 1);
      const missing: string[] = [];
      const seen = new Set<string>();
      for (const e of events) {
        if (e.kind !== 'archive' || seen.has(e.archiveId)) continue;
        seen.add(e.archiveId);
        const hit = cache.get(e.archiveId);
        if (hit) states.set(e.archiveId, hit);
        // an archive whose history starts here has no row to read
        else if (e.event.type !== 'ArchiveCreated') missing.push(e.archiveId);
      }
      const found =
        missing.length > 0
          ? // not cached, so not written by the batches still committing: read as committed, without waiting
            await selectWhereIn(
              { ...ctx, db: ctx.committed ?? ctx.db },
              'archive_detail',
              'archive_id',
              missing,
            )
          : [];
      for (const row of found)
        states.set(row.archive_id as string, {
          state: JSON.parse(row.state as string) as ArchiveState,
          revision: BigInt(row.revision as string),
          position: BigInt(row.position as string),
        });
      const dirty = new Set<string>();
      forEachEvent(events, (e) => {
        if (e.kind !== 'archive') return;
        const s = states.get(e.archiveId) ?? { state: initialState, revision: -1n, position: 0n };
        states.set(e.archiveId, {
          state: evolve(s.state, e.event),
          revision: e.recorded.revision,
          position: e.recorded.position,
        });
        dirty.add(e.archiveId);
      });
      const rows = [...dirty].flatMap((archiveId) => {
        const s = states.get(archiveId)!;
        if (s.state.status === 'none') return [];
        const state = json(s.state);
        // weighed by its size: an archive's state grows with its history
        cache.set(archiveId, s, state.length);
        return [
          {
            archive_id: archiveId,
            status: s.state.status,
            state,
            revision: pos(s.revision),
            position: pos(s.position),
          },
        ];
      });
      await upsertRows(ctx, 'archive_detail', ['archive_id'], rows);
    },
  };
};
