/**
 * The rows a read model wrote in earlier batches, most recently used last, so that the next batch need not
 * select them again. Bounded: memory does not grow with the length of the log. Only the runner's commit makes
 * a cached row true, so a batch that did not commit must `clear` it (the runner calls `Projection.reset`).
 */
export interface RowCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export const rowCache = <V>(capacity: number): RowCache<V> => {
  const rows = new Map<string, V>();
  return {
    get(key) {
      const v = rows.get(key);
      if (v !== undefined) {
        rows.delete(key);
        rows.set(key, v);
      }
      return v;
    },
    set(key, value) {
      rows.delete(key);
      rows.set(key, value);
      if (rows.size > capacity) rows.delete(rows.keys().next().value as string);
    },
    delete: (key) => void rows.delete(key),
    clear: () => rows.clear(),
    get size() {
      return rows.size;
    },
  };
};
