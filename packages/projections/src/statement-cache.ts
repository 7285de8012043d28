import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * A SQLite database for kysely's SqliteDialect that prepares each distinct SQL text once. kysely prepares
 * every query it runs; read models run the same few statements (fixed-size multi-row upserts, keyed selects)
 * thousands of times, and SQLite's parse and plan of a statement of hundreds of parameters is not free.
 * A statement still iterating (a streamed query) is never handed out twice: a busy one is prepared afresh.
 */
export const cachingSqliteDatabase = (
  database: SqliteDatabase & { prepare(sql: string): SqliteStatement & { busy?: boolean } },
  capacity = 256,
): SqliteDatabase => {
  const cache = new Map<string, SqliteStatement & { busy?: boolean }>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        // most recently used last: the map's order is the eviction order
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = database.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      }
      return stmt;
    },
  };
};
