import type { IndexSpec, Projection, ProjectedEvent, ProjectionContext } from '../projection';
import { DEFERRED, EventFailure, forEachEvent } from '../projection';
import { perTable, rowCachesByTable } from './row-cache';
import type { Row } from './sql';
import { deleteWhereIn, selectByKeys, upsertRows } from './sql';

/**
 * A read model of rows keyed by a few columns, defined by a pure reducer: (row, event) → row. A batch is
 * folded in memory — the rows it touches are loaded in one query and written back once each — so a
 * projection costs a few statements per batch, not per event. Rows written stay cached (bounded) for the next
 * batch, which then selects only the rows it has not seen.
 */
export interface KeyedRowsSpec {
  readonly name: string;
  readonly version: number;
  readonly table: string;
  readonly key: readonly string[];
  createTables(ctx: ProjectionContext): Promise<void>;
  readonly indexes?: readonly IndexSpec[];
  /** Every row it keys belongs to one stream, or its reducer commutes (see `Projection.perStream`). */
  readonly perStream?: boolean;
  /** The only event types whose metadata the reducers read (see `Projection.readsMetadataOf`). */
  readonly readsMetadataOf?: readonly string[];
  /** The keys (values of `key`, in order) of the rows an event touches. */
  touches(e: ProjectedEvent): readonly (readonly string[])[];
  /**
   * The event makes the rows it touches from nothing (`reduce` does not look at the row before): a row it
   * touches that is not cached need not be read first.
   */
  creates?(e: ProjectedEvent): boolean;
  /** The row after the event: a new object when changed, the same one when not, null when absent. */
  reduce(row: Row | null, e: ProjectedEvent, key: readonly string[], ctx: ProjectionContext): Row | null;
  /**
   * The row as it is written, from the row the events left: columns derived from others, computed once a
   * write rather than once an event (a new object; the row the reducers see need not carry them).
   */
  finish?(row: Row, ctx: ProjectionContext): Row;
  /**
   * The row with the columns that every event touching it moves (the revision and position of its last
   * event), from the last event that touched it: set once a write, so that a reducer need not copy the row
   * for an event that changes nothing else (a new object). Applied before `finish`.
   */
  stamp?(row: Row, last: ProjectedEvent): Row;
}

/**
 * No rows: one list for every event that touches none (`touches` runs for every event of a rebuild, and a
 * literal `[]` is a new array each time). Shared, so never to be changed (the type says so; a frozen array
 * would be iterated on V8's slow path, one result object a step).
 */
export const NO_KEYS: readonly (readonly string[])[] = [];

let lastArchive = '';
let lastArchiveKeys: readonly (readonly string[])[] = NO_KEYS;

/**
 * The one row keyed by an archive's id alone, as `touches` answers it: the same list for the consecutive
 * events of one archive, which a rebuild read stream by stream meets together (shared: never to be changed).
 */
export const archiveKey = (archiveId: string): readonly (readonly string[])[] => {
  if (archiveId !== lastArchive) {
    lastArchive = archiveId;
    lastArchiveKeys = [[archiveId]];
  }
  return lastArchiveKeys;
};

/** A key's values as one string (a single column's value as it is). */
const join = (values: readonly unknown[]): string =>
  values.length === 1 ? String(values[0]) : values.map(String).join('\u0000');

/** Rows kept between batches, per read model (see `RowCache`); as many changed rows may be held back. */
export const KEYED_ROWS_CACHED = 20_000;

/** A row as a batch sees it: what it is now, and whether it may be in the table (a vanishing one is deleted). */
interface Held {
  row: Row | null;
  readonly existed: boolean;
  /** The last event that touched it (kept only for `stamp`). */
  last?: ProjectedEvent;
}

export const keyedRows = (spec: KeyedRowsSpec, cached = KEYED_ROWS_CACHED): Projection => {
  const caches = rowCachesByTable<Row | null>(cached);
  /** Per physical table: rows changed by batches that deferred their writes (see `mayDefer`), not yet written. */
  const held = perTable(() => new Map<string, Held>());
  return {
    name: spec.name,
    version: spec.version,
    tables: [spec.table],
    createTables: (ctx) => spec.createTables(ctx),
    ...(spec.indexes ? { indexes: spec.indexes } : {}),
    ...(spec.perStream ? { perStream: true } : {}),
    ...(spec.readsMetadataOf ? { readsMetadataOf: spec.readsMetadataOf } : {}),
    reset: () => {
      caches.clear();
      held.clear();
    },
    async applyBatch(ctx, events) {
      const touched = forEachEvent(events, (e) => spec.touches(e));
      const table = ctx.table(spec.table);
      const cache = caches.of(table);
      cache.nextBatch((ctx.batchesUnderWay ?? 0) + 1, ctx.byStream ? 0 : undefined);
      const pending = held.of(table);
      const state = new Map<string, Held>();
      const missing: (readonly string[])[] = [];
      /** The joined keys of each event's rows, in the order of `touched`. */
      const joined: string[] = [];
      for (let i = 0; i < events.length; i++) {
        const keys = touched[i]!;
        if (keys.length === 0) continue;
        const fresh = spec.creates?.(events[i]!) ?? false;
        for (const key of keys) {
          const j = join(key);
          joined.push(j);
          if (state.has(j)) continue;
          const kept = pending.get(j);
          if (kept) {
            state.set(j, kept);
            continue;
          }
          // a row cached as null is known gone: this read model deleted it
          const hit = cache.get(j);
          if (hit !== undefined) state.set(j, { row: hit, existed: hit !== null });
          else if (fresh) state.set(j, { row: null, existed: true });
          else {
            state.set(j, { row: null, existed: false });
            missing.push(key);
          }
        }
      }
      // rows neither held nor cached were not written by the batches still committing (the cache keeps theirs):
      // they are read as committed, without waiting for those commits
      if (missing.length > 0)
        for (const row of await selectByKeys(
          { ...ctx, db: ctx.committed ?? ctx.db },
          spec.table,
          spec.key,
          missing,
        ))
          state.set(join(spec.key.map((k) => row[k])), { row, existed: true });
      let n = 0;
      for (let i = 0; i < events.length; i++) {
        const keys = touched[i]!;
        if (keys.length === 0) continue;
        const e = events[i]!;
        for (const key of keys) {
          const j = joined[n++]!;
          const h = state.get(j)!;
          let after: Row | null;
          try {
            after = spec.reduce(h.row, e, key, ctx);
          } catch (err) {
            throw err instanceof EventFailure
              ? err
              : new EventFailure(e.recorded.position, e.recorded.type, err);
          }
          if (spec.stamp) {
            h.last = e;
            h.row = after;
            pending.set(j, h);
          } else if (after !== h.row) {
            h.row = after;
            pending.set(j, h);
          }
        }
      }
      if (pending.size === 0) return;
      if (ctx.mayDefer && pending.size <= cached) return DEFERRED;
      const upserts: Row[] = [];
      const deletes: string[] = [];
      for (const [j, h] of pending) {
        const stamped = h.row && h.last && spec.stamp ? spec.stamp(h.row, h.last) : h.row;
        const row = stamped && spec.finish ? spec.finish(stamped, ctx) : stamped;
        cache.set(j, row);
        if (row) upserts.push(row);
        else if (h.existed) deletes.push(j.split('\u0000')[0]!);
      }
      pending.clear();
      if (deletes.length > 0) {
        if (spec.key.length !== 1) throw new Error(`${spec.name}: deleting rows needs a single-column key`);
        await deleteWhereIn(ctx, spec.table, spec.key[0]!, deletes);
      }
      await upsertRows(ctx, spec.table, spec.key, upserts);
    },
  };
};
