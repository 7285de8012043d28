/* Temporary stores for the end-to-end specs: copies of one demo store made once per test run. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventToAppend } from '@dossier/core';
import { openSqliteStore } from '@dossier/sqlite';

/** Set by the global set-up: a directory holding a demo store (12 archives, two years) and its keys. */
export const TEMPLATE_ENV = 'DOSSIER_CLI_SPEC_TEMPLATE';

export const DB_FILE = 'dossier.db';
export const KEY_FILES = ['master.key', 'signing.key'];

export interface TempStore {
  readonly dir: string;
  readonly db: string;
  /** `sqlite:<db>` */
  readonly url: string;
  remove(): void;
}

export const tempDir = (prefix = 'dossier-cli-'): string => mkdtempSync(join(tmpdir(), prefix));

export const tempStore = (dir = tempDir()): TempStore => {
  const db = join(dir, DB_FILE);
  return { dir, db, url: `sqlite:${db}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** A copy of the demo store, with its master and signing keys (`keys: false` leaves them out). */
export const copyOfDemoStore = (options: { keys?: boolean } = {}): TempStore => {
  const template = process.env[TEMPLATE_ENV];
  if (!template || !existsSync(join(template, DB_FILE)))
    throw new Error(`no demo store: the global set-up (src/testing/global-setup.ts) makes it`);
  const store = tempStore();
  cpSync(join(template, DB_FILE), store.db);
  if (options.keys !== false) for (const k of KEY_FILES) cpSync(join(template, k), join(store.dir, k));
  return store;
};

/** Direct access to the file, for tampering and for looking at read-model tables. */
export const withDatabase = <T>(path: string, work: (db: Database.Database) => T): T => {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
};

/**
 * Many more events (in streams of their own, which the read models skip), so that long work takes long enough
 * to be interrupted: `count` events of about 400 bytes, appended through the store (hash-chained).
 */
export const addFillerEvents = async (store: TempStore, count: number): Promise<void> => {
  const masterKey = Buffer.from(readFileSync(join(store.dir, 'master.key'), 'utf8').trim(), 'base64');
  const opened = openSqliteStore({
    path: store.db,
    masterKey: new Uint8Array(masterKey),
    synchronous: 'NORMAL',
  });
  try {
    const batch = 1000;
    for (let i = 0; i < count; i += batch) {
      const events: EventToAppend[] = Array.from({ length: Math.min(batch, count - i) }, (_, k) => ({
        eventId: `filler-${i + k}`,
        type: 'FillerRecorded',
        schemaVersion: 1,
        data: { n: i + k, note: 'x'.repeat(300) },
        metadata: {
          actor: { id: 'spec', role: 'system', department: 'it' },
          occurredAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
          correlationId: 'spec',
          causationId: 'spec',
        },
      }));
      const r = await opened.events.append(`filler-${i / batch}`, events, 'no_stream');
      if (r._tag === 'Left') throw new Error(`filler append refused: ${JSON.stringify(r.left)}`);
    }
  } finally {
    await opened.close();
  }
};
