import type { Database } from 'better-sqlite3';
import type { CheckpointStore } from '@dossier/core';

/**
 * Record how far `name` has read the global log. Synchronous so that a projection can call it inside the
 * same `db.transaction(...)` that writes its read-model rows: rows and checkpoint commit together or not at all.
 */
export const saveCheckpointIn = (db: Database, name: string, position: bigint): void => {
  db.prepare(
    `INSERT INTO checkpoints (name, position) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
  ).run(name, position);
};

/** Where `name` stopped; 0n when it never saved (read from the start). */
export const loadCheckpointFrom = (db: Database, name: string): bigint => {
  const position = db
    .prepare('SELECT position FROM checkpoints WHERE name = ?')
    .pluck()
    .safeIntegers(true)
    .get(name);
  return position === undefined ? 0n : (position as bigint);
};

export const sqliteCheckpointStore = (db: Database): CheckpointStore => ({
  async load(name) {
    return loadCheckpointFrom(db, name);
  },
  async save(name, position) {
    saveCheckpointIn(db, name, position);
  },
});
