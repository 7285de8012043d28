import type { Database } from 'better-sqlite3';

/** 'DoSS' in the SQLite header's application_id field (offset 68): marks a file as Dossier's. */
export const APPLICATION_ID = 0x446f5353;

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

/**
 * The schema, one step per version. Every step is idempotent (IF NOT EXISTS) and runs in the transaction that
 * records its version in `dossier_meta`, so a crash mid-migration leaves the previous version intact.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS events (
        position       INTEGER PRIMARY KEY,
        stream_id      TEXT    NOT NULL,
        revision       INTEGER NOT NULL,
        event_id       TEXT    NOT NULL,
        type           TEXT    NOT NULL,
        schema_version INTEGER NOT NULL,
        data           TEXT    NOT NULL,
        metadata       TEXT    NOT NULL,
        recorded_at    TEXT    NOT NULL,
        prev_hash      TEXT    NOT NULL,
        hash           TEXT    NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_id, revision);
      CREATE UNIQUE INDEX IF NOT EXISTS events_stream_event_id ON events (stream_id, event_id);
      CREATE TABLE IF NOT EXISTS streams (
        stream_id TEXT    PRIMARY KEY,
        revision  INTEGER NOT NULL,
        position  INTEGER NOT NULL,
        hash      TEXT    NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS keys (
        archive_id TEXT PRIMARY KEY,
        wrapped    BLOB
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS checkpoints (
        name     TEXT    PRIMARY KEY,
        position INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export const META_TABLE = 'dossier_meta';

/** The schema version a database records; 0 when it has no `dossier_meta` yet. */
export const readSchemaVersion = (db: Database): number => {
  const meta = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(META_TABLE);
  if (!meta) return 0;
  const row = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`).get() as
    { value: string } | undefined;
  return row ? Number(row.value) : 0;
};

/** Names of the tables, indexes, views and triggers a database holds (SQLite's own excluded). */
export const schemaObjects = (db: Database): string[] =>
  (
    db.prepare(`SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`).all() as { name: string }[]
  ).map((r) => r.name);

/** Apply the migrations above `from`, each in the caller's transaction. */
export const applyMigrations = (db: Database, from: number): void => {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
  );
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.exec(m.sql);
    db.prepare(
      `INSERT INTO ${META_TABLE} (key, value) VALUES ('schema_version', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(String(m.version));
  }
  db.pragma(`application_id = ${APPLICATION_ID}`);
};
