import type { ArchiveState } from '@dossier/core';
import { folder, initialState } from '@dossier/core';
import type { Projection } from '../projection';
import { DEFERRED, forEachEvent } from '../projection';
import { perTable, rowCachesByTable } from './row-cache';
import { json, pos, selectWhereIn, upsertRows } from './sql';

interface Folded {
  readonly state: ArchiveState;
  readonly revision: bigint;
  readonly position: bigint;
  /** Characters of its JSON when last written (0: never). */
  readonly size: number;
}

/** A state's characters of JSON as last written (a state held back grows a little beyond it; one never written counts 1,000). */
const weight = (s: Folded): number => (s.size > 0 ? s.size : 1000);

/**
 * 2. Archive detail: the current state, with personal values still sealed (opened only on an allowed read).
 * A batch folds each archive's state in memory and writes it once; the states written stay cached (bounded)
 * for the next batch. While the runner catches up, states changed may be held back and written together later
 * (see `mayDefer`), so that an archive met in many batches is written a few times, not once a batch.
 * `cached`: characters of state JSON kept in memory between batches; `held`: characters of state it may hold
 * back while catching up. The defaults differ by dialect, as measured (`pnpm bench:projections`, 1M events
 * over 20,000 archives): on SQLite, whose writer thread absorbs the writes, holding 64M characters made the
 * rebuild 4% faster for 430 MB more memory, so it holds none and caches more; on PostgreSQL, where each state
 * written costs the folding thread and the server, holding made it 40% faster (0.184 → 0.260 of the raw read).
 */
export const archiveDetail = (limits: { cached?: number; held?: number } = {}): Projection => {
  const defaults = {
    sqlite: { cached: 64_000_000, held: 0 },
    postgres: { cached: 16_000_000, held: 64_000_000 },
  } as const;
  const cachedOn = (dialect: 'sqlite' | 'postgres') => limits.cached ?? defaults[dialect].cached;
  const heldOn = (dialect: 'sqlite' | 'postgres') => limits.held ?? defaults[dialect].held;
  const cachesOn = {
    sqlite: rowCachesByTable<Folded>(cachedOn('sqlite')),
    postgres: rowCachesByTable<Folded>(cachedOn('postgres')),
  };
  /** Per physical table: states changed by batches that deferred their writes, and their weight in all. */
  const pendings = perTable(() => ({ states: new Map<string, Folded>(), weight: 0 }));
  return {
    name: 'archive-detail',
    version: 1,
    tables: ['archive_detail'],
    // a row per archive
    perStream: true,
    // no event's metadata
    readsMetadataOf: [],
    reset: () => {
      cachesOn.sqlite.clear();
      cachesOn.postgres.clear();
      pendings.clear();
    },
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
      const table = ctx.table('archive_detail');
      const cache = cachesOn[ctx.dialect].of(table);
      cache.nextBatch((ctx.batchesUnderWay ?? 0) + 1, ctx.byStream ? 0 : undefined);
      const holding = pendings.of(table);
      const pending = holding.states;
      const missing: string[] = [];
      for (const e of events) {
        if (e.kind !== 'archive' || states.has(e.archiveId)) continue;
        const hit = pending.get(e.archiveId) ?? cache.get(e.archiveId);
        if (hit) states.set(e.archiveId, hit);
        // an archive whose history starts here has no row to read
        else if (e.event.type !== 'ArchiveCreated') missing.push(e.archiveId);
      }
      const found =
        missing.length > 0
          ? // neither held nor cached, so not written by the batches still committing: read as committed,
            // without waiting
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
          size: (row.state as string).length,
        });
      // one fold for the batch: each archive's state is copied once, then changed in place (see `folder`); the
      // states held, cached or deferred from earlier batches are not its own, so they are copied, not changed
      const fold = folder();
      forEachEvent(events, (e) => {
        if (e.kind !== 'archive') return;
        const s = states.get(e.archiveId) ?? { state: initialState, revision: -1n, position: 0n, size: 0 };
        states.set(e.archiveId, {
          state: fold(s.state, e.event),
          revision: e.recorded.revision,
          position: e.recorded.position,
          size: s.size,
        });
      });
      for (const [archiveId, s] of states) {
        const before = pending.get(archiveId);
        holding.weight += weight(s) - (before ? weight(before) : 0);
        pending.set(archiveId, s);
      }
      if (pending.size === 0) return;
      if (ctx.mayDefer && holding.weight <= heldOn(ctx.dialect)) return DEFERRED;
      const rows = [...pending].flatMap(([archiveId, s]) => {
        if (s.state.status === 'none') return [];
        const state = json(s.state);
        // weighed by its size: an archive's state grows with its history
        cache.set(archiveId, { ...s, size: state.length }, state.length);
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
      pending.clear();
      holding.weight = 0;
      await upsertRows(ctx, 'archive_detail', ['archive_id'], rows);
    },
  };
};
