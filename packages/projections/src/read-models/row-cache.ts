/**
 * The rows a read model wrote in earlier batches, most recently used last, so that the next batch need not
 * select them again. Bounded by the sum of the entries' weights (1 each unless told, or their size): memory
 * grows neither with the length of the log nor with the length of one archive's history. Only the runner's
 * commit makes a cached row true, so a batch that did not commit must `clear` it (the runner calls
 * `Projection.reset`).
 */
export interface RowCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, weight?: number): void;
  /**
   * A new batch begins; what the last `keep` batches (this one included) set is not evicted: those rows may
   * not be committed yet, so a row missing from the cache is known to be as the database has it.
   */
  nextBatch(keep: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export const rowCache = <V>(capacity: number): RowCache<V> => {
  const rows = new Map<string, { value: V; weight: number; batch: number }>();
  let total = 0;
  let batch = 0;
  let keep = 1;
  const remove = (key: string) => {
    const e = rows.get(key);
    if (!e) return;
    rows.delete(key);
    total -= e.weight;
  };
  return {
    get(key) {
      const e = rows.get(key);
      if (e === undefined) return undefined;
      rows.delete(key);
      rows.set(key, e);
      return e.value;
    },
    set(key, value, weight = 1) {
      remove(key);
      rows.set(key, { value, weight, batch });
      total += weight;
      // least recently used first; the rows of the batches kept stay (for a while above the capacity). Only
      // when over: a map's iteration starts by stepping over the slots its deletions left
      if (total > capacity)
        for (const [k, e] of rows) {
          if (total <= capacity || e.batch > batch - keep) break;
          remove(k);
        }
    },
    nextBatch(n) {
      batch++;
      keep = Math.max(1, n);
    },
    delete: remove,
    clear: () => {
      rows.clear();
      total = 0;
    },
    get size() {
      return rows.size;
    },
  };
};

/** One `RowCache` per physical table, so that two versions of one read model never share rows. */
export const rowCachesByTable = <V>(capacity: number) => {
  const caches = new Map<string, RowCache<V>>();
  return {
    of(table: string): RowCache<V> {
      let c = caches.get(table);
      if (!c) caches.set(table, (c = rowCache<V>(capacity)));
      return c;
    },
    clear: () => caches.clear(),
  };
};
