export type { SqliteStore, SqliteStoreOptions } from './open-sqlite-store';
export { DEFAULT_DATABASE_PATH, openSqliteStore } from './open-sqlite-store';
export type { Synchronous } from './database-file';
export type { RefusalReason } from './errors';
export { DossierDatabaseRefused } from './errors';
export { SCHEMA_VERSION } from './schema';
export type { GroupCommitStats } from './group-commit';
export { KeyScrubIncomplete } from './sqlite-key-storage';
export { loadCheckpointFrom, saveCheckpointIn, sqliteCheckpointStore } from './sqlite-checkpoints';
