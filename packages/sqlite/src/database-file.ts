import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DossierDatabaseRefused } from './errors';
import { APPLICATION_ID, SCHEMA_VERSION, applyMigrations, readSchemaVersion, schemaObjects } from './schema';

export type Synchronous = 'FULL' | 'NORMAL';

export interface DatabaseFileOptions {
  readonly path: string;
  readonly synchronous: Synchronous;
  readonly busyTimeoutMs: number;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** The 100-byte file header and the 8-byte b-tree header of page 1 (the root of `sqlite_schema`). */
const HEADER_BYTES = 108;
const WAL_FORMAT = 2;
const LEAF_TABLE_PAGE = 0x0d;

const isMemory = (path: string) => path === ':memory:';

/** The first bytes of a file, or undefined when it does not exist or is empty (SQLite then creates it). */
const readHeader = (path: string): Buffer | undefined => {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (size === 0) return undefined;
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, header, 0, HEADER_BYTES, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
};

const refuseForeign = (path: string, detail: string) =>
  new DossierDatabaseRefused(
    path,
    'foreign-database',
    `${path} is a SQLite database of another application (${detail}); Dossier refuses to open it and left it unchanged`,
  );

/** Refuse anything that is not a Dossier database this build can read; answers the schema version (0: new). */
const checkSchema = (db: Database.Database, path: string): number => {
  const version = readSchemaVersion(db);
  if (version === 0) {
    const objects = schemaObjects(db);
    if (objects.length > 0)
      throw refuseForeign(
        path,
        `it holds ${objects.slice(0, 5).join(', ')}${objects.length > 5 ? ', …' : ''} but no dossier_meta table`,
      );
  }
  if (!Number.isInteger(version) || version > SCHEMA_VERSION)
    throw new DossierDatabaseRefused(
      path,
      'newer-schema',
      `${path} was written with Dossier schema version ${version}, newer than the version ${SCHEMA_VERSION} ` +
        `this build understands; upgrade @dossier/sqlite to open it (the file was left unchanged)`,
    );
  return version;
};

const notSqlite = (path: string, detail: string) =>
  new DossierDatabaseRefused(
    path,
    'not-sqlite',
    `${path} is not a SQLite database (${detail}); Dossier refuses to open it and left it unchanged`,
  );

const withReadonly = <T>(path: string, read: (db: Database.Database) => T): T => {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    return read(db);
  } catch (e) {
    if (e instanceof DossierDatabaseRefused) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notSqlite(path, (e as Error).message);
    throw e;
  } finally {
    db?.close();
  }
};

/**
 * Look at an existing file without writing a byte to it. A writable connection could roll back someone
 * else's hot journal or checkpoint their WAL on close, and even a read-only one creates -wal and -shm files
 * beside a WAL-mode database, so the header decides as much as it can before SQLite opens anything:
 * - not the SQLite magic: refused;
 * - another application_id: refused; Dossier's id ('DoSS', set by the first migration): ours, its schema
 *   version is read through a read-only connection;
 * - no application_id and no -wal beside it (so the file holds everything committed): new if `sqlite_schema`
 *   is empty, refused otherwise, its tables named only when a read-only look creates no files (rollback mode);
 * - no application_id but a -wal (someone has it open; the header may not be checkpointed yet): read-only look.
 */
const inspectExisting = (path: string): void => {
  const header = readHeader(path);
  if (!header) return;
  if (header.length < HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC))
    throw notSqlite(path, 'its first bytes are not the SQLite header');
  const applicationId = header.readUInt32BE(68);
  if (applicationId !== 0 && applicationId !== APPLICATION_ID)
    throw refuseForeign(path, `SQLite application_id 0x${applicationId.toString(16)}`);
  if (applicationId === 0 && !existsSync(`${path}-wal`)) {
    const emptySchema = header[100] === LEAF_TABLE_PAGE && header.readUInt16BE(103) === 0;
    if (emptySchema) return;
    if (header[18] === WAL_FORMAT) throw refuseForeign(path, 'it holds tables but no Dossier marker');
  }
  withReadonly(path, (db) => checkSchema(db, path));
};

/**
 * Open (creating if needed) a Dossier database file: refuse foreign or newer files, then WAL, the
 * durability the caller chose, secure deletion, and the migrations up to this build's schema version.
 */
export const openDatabaseFile = ({
  path,
  synchronous,
  busyTimeoutMs,
}: DatabaseFileOptions): Database.Database => {
  if (!isMemory(path)) {
    inspectExisting(path);
    mkdirSync(dirname(path), { recursive: true });
  }
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('secure_delete = ON');
    db.exec('BEGIN IMMEDIATE');
    // checked again under the write lock, before anything is written: another process may have created or
    // upgraded the file since it was inspected
    const version = checkSchema(db, path);
    if (version < SCHEMA_VERSION) applyMigrations(db, version);
    db.exec('COMMIT');
    db.pragma('journal_mode = WAL');
    return db;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    throw e;
  }
};
