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
   * `capacity`: the bound from this batch on, instead of the cache's own (0: keep only those batches' rows).
   */
  nextBatch(keep: number, capacity?: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
  /** Places in its queue of uses (at most a few per row: stale ones are dropped as it goes). */
  readonly queued: number;
}

interface Entry<V> {
  readonly key: string;
  value: V;
  weight: number;
  /** The batch that last set it. */
  batch: number;
  /** Its last place in the queue of uses. */
  used: number;
}

export const rowCache = <V>(capacity: number): RowCache<V> => {
  const rows = new Map<string, Entry<V>>();
  /**
   * Every use, oldest first: an entry is at its last use (`used`); earlier places of it are stale and
   * skipped. Evicting from the front costs O(1) a row (a Map's iteration would start by stepping over every
   * slot its deletions left, which made each eviction as slow as the cache is long).
   */
  let queue: Entry<V>[] = [];
  let places: number[] = [];
  let head = 0;
  let uses = 0;
  let total = 0;
  let batch = 0;
  let keep = 1;
  let limit = capacity;
  const use = (e: Entry<V>) => {
    e.used = uses++;
    queue.push(e);
    places.push(e.used);
  };
  const remove = (key: string) => {
    const e = rows.get(key);
    if (!e) return;
    rows.delete(key);
    total -= e.weight;
  };
  const evict = () => {
    while (total > limit && head < queue.length) {
      const e = queue[head]!;
      if (rows.get(e.key) === e && e.used === places[head]) {
        // the rows of the batches kept stay (for a while above the capacity)
        if (e.batch > batch - keep) break;
        rows.delete(e.key);
        total -= e.weight;
      }
      head++;
    }
    // the queue holds a place per use: drop the places passed, and the stale ones when they are most
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      places = places.slice(head);
      head = 0;
    } else if (queue.length > 4 * rows.size + 4096) {
      const q: Entry<V>[] = [];
      const p: number[] = [];
      for (let i = head; i < queue.length; i++) {
        const e = queue[i]!;
        if (rows.get(e.key) === e && e.used === places[i]) {
          q.push(e);
          p.push(e.used);
        }
      }
      queue = q;
      places = p;
      head = 0;
    }
  };
  return {
    get(key) {
      const e = rows.get(key);
      if (e === undefined) return undefined;
      use(e);
      // uses alone grow the queue too
      if (queue.length > 4 * rows.size + 4096) evict();
      return e.value;
    },
    set(key, value, weight = 1) {
      const e = rows.get(key);
      if (e) {
        total += weight - e.weight;
        e.value = value;
        e.weight = weight;
        e.batch = batch;
        use(e);
      } else {
        const fresh: Entry<V> = { key, value, weight, batch, used: 0 };
        rows.set(key, fresh);
        total += weight;
        use(fresh);
      }
      if (total > limit || queue.length > 4 * rows.size + 4096) evict();
    },
    nextBatch(n, bound) {
      batch++;
      keep = Math.max(1, n);
      limit = bound ?? capacity;
      if (total > limit) evict();
    },
    delete: remove,
    clear: () => {
      rows.clear();
      queue = [];
      places = [];
      head = 0;
      total = 0;
    },
    get size() {
      return rows.size;
    },
    get queued() {
      return queue.length - head;
    },
  };
};

/**
 * What a read model keeps in memory, one per physical table, made on first use: two versions of one read model
 * never share rows.
 */
export const perTable = <T>(make: () => T) => {
  const kept = new Map<string, T>();
  return {
    of(table: string): T {
      let k = kept.get(table);
      if (k === undefined) kept.set(table, (k = make()));
      return k;
    },
    clear: () => kept.clear(),
  };
};

/** One `RowCache` per physical table. */
export const rowCachesByTable = <V>(capacity: number) => perTable(() => rowCache<V>(capacity));
