import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { verifyChain } from '@dossier/core';
import { anEvent, projectableOf } from '@dossier/core/testing';
import { DossierDatabaseRefused } from './errors';
import { openSqliteStore } from './open-sqlite-store';
import { SCHEMA_VERSION } from './schema';
import type { TempDatabase } from './testing';
import { tempDatabase } from './testing';
import { masterKey, rightOf } from './testing/fixtures';

describe('files Dossier must not open', () => {
  let file: TempDatabase;
  beforeEach(() => {
    file = tempDatabase('bad');
  });
  afterEach(() => file.remove());

  const refusal = (path: string): DossierDatabaseRefused => {
    try {
      openSqliteStore({ path, masterKey });
    } catch (e) {
      if (e instanceof DossierDatabaseRefused) return e;
      throw e;
    }
    throw new Error('the file was opened');
  };

  it('a file of random bytes is refused as not SQLite, and its bytes and directory stay unchanged', () => {
    const bytes = randomBytes(64 * 1024);
    writeFileSync(file.path, bytes);
    const e = refusal(file.path);
    expect(e.reason).toBe('not-sqlite');
    expect(e.message).toMatch(/is not a SQLite database/);
    expect(readFileSync(file.path).equals(bytes)).toBe(true);
    expect(readdirSync(file.dir)).toEqual(['dossier.db']);
  });

  it('a short text file is refused as not SQLite and left unchanged', () => {
    writeFileSync(file.path, 'name,phone\n张三,123\n');
    expect(refusal(file.path).reason).toBe('not-sqlite');
    expect(readFileSync(file.path, 'utf8')).toBe('name,phone\n张三,123\n');
  });

  it.each(['DELETE', 'WAL'])(
    'a SQLite file of another application (%s journal) is refused, and its bytes stay unchanged',
    (journal) => {
      const other = new Database(file.path);
      other.pragma(`journal_mode = ${journal}`);
      other.exec(
        `CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x');`,
      );
      other.close();
      const before = readFileSync(file.path);
      const e = refusal(file.path);
      expect(e.reason).toBe('foreign-database');
      expect(e.message).toMatch(
        journal === 'WAL' ? /another application/ : /another application .*customers/,
      );
      expect(readFileSync(file.path).equals(before)).toBe(true);
      expect(readdirSync(file.dir)).toEqual(['dossier.db']);
    },
  );

  it('a SQLite file stamped with another application id is refused before any table is read', () => {
    const other = new Database(file.path);
    other.pragma('application_id = 1234');
    other.close();
    const before = readFileSync(file.path);
    expect(refusal(file.path).message).toMatch(/application_id 0x4d2/);
    expect(readFileSync(file.path).equals(before)).toBe(true);
  });

  it('a database written by a newer schema version is refused with a message naming both versions', async () => {
    await openSqliteStore({ path: file.path, masterKey }).close();
    const db = new Database(file.path);
    db.prepare(`UPDATE dossier_meta SET value = ? WHERE key = 'schema_version'`).run(
      String(SCHEMA_VERSION + 6),
    );
    db.close();
    const before = readFileSync(file.path);
    const e = refusal(file.path);
    expect(e.reason).toBe('newer-schema');
    expect(e.message).toContain(
      `schema version ${SCHEMA_VERSION + 6}, newer than the version ${SCHEMA_VERSION}`,
    );
    expect(e.message).toMatch(/upgrade @dossier\/sqlite/);
    expect(readFileSync(file.path).equals(before)).toBe(true);
  });

  it('an empty file and an empty SQLite database are taken as new Dossier databases', async () => {
    writeFileSync(file.path, '');
    await openSqliteStore({ path: file.path, masterKey }).close();
    const other = tempDatabase('bad-empty');
    new Database(other.path).close();
    const store = openSqliteStore({ path: other.path, masterKey });
    expect(await store.events.headPosition()).toBe(0n);
    await store.close();
    other.remove();
  });
});

describe('schema and migrations', () => {
  let file: TempDatabase;
  beforeEach(() => {
    file = tempDatabase('schema');
  });
  afterEach(() => file.remove());

  it('migrations are recorded in dossier_meta and reopening applies none twice, keeping the data', async () => {
    const first = openSqliteStore({ path: file.path, masterKey });
    rightOf(await first.events.append('archive-1', [anEvent()], 'no_stream'));
    await first.close();
    for (let i = 0; i < 3; i++) await openSqliteStore({ path: file.path, masterKey }).close();
    const db = new Database(file.path, { readonly: true });
    expect(db.prepare('SELECT key, value FROM dossier_meta').all()).toEqual([
      { key: 'schema_version', value: String(SCHEMA_VERSION) },
    ]);
    expect(db.pragma('application_id', { simple: true })).toBe(0x446f5353);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    db.close();
  });

  it('read-model tables a projection adds next to Dossier’s do not make the file foreign', async () => {
    const store = openSqliteStore({ path: file.path, masterKey });
    store.db.exec('CREATE TABLE customer_list (archive_id TEXT PRIMARY KEY, name TEXT)');
    await store.close();
    await openSqliteStore({ path: file.path, masterKey }).close();
  });

  it('creates the directories of its path, and defaults to ./data/dossier.db', async () => {
    const nested = join(file.dir, 'a', 'b', 'archive.db');
    await openSqliteStore({ path: nested, masterKey }).close();
    expect(existsSync(nested)).toBe(true);
    const cwd = process.cwd();
    process.chdir(file.dir);
    try {
      await openSqliteStore({ masterKey }).close();
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(file.dir, 'data', 'dossier.db'))).toBe(true);
  });

  it(':memory: opens a throwaway store (for tests) with the same schema', async () => {
    const store = openSqliteStore({ path: ':memory:', masterKey });
    rightOf(await store.events.append('archive-m', [anEvent()], 'no_stream'));
    await store.keys.getOrCreate('m');
    await store.keys.destroy('m');
    expect(await store.keys.isDestroyed('m')).toBe(true);
    expect(await store.events.headPosition()).toBe(1n);
    await store.close();
  });

  it('a master key that is not 32 bytes is refused before the file is touched', () => {
    expect(() => openSqliteStore({ path: file.path, masterKey: new Uint8Array(16) })).toThrow(RangeError);
    expect(existsSync(file.path)).toBe(false);
  });
});

describe('rows altered behind the store’s back', () => {
  let file: TempDatabase;
  beforeEach(() => {
    file = tempDatabase('tamper');
  });
  afterEach(() => file.remove());

  const tamper = async (sql: string) => {
    const store = openSqliteStore({ path: file.path, masterKey });
    rightOf(await store.events.append('archive-t', [anEvent('A'), anEvent('B'), anEvent('C')], 'no_stream'));
    rightOf(await store.events.append('archive-u', [anEvent('U')], 'no_stream'));
    await store.close();
    const db = new Database(file.path);
    db.exec(sql);
    db.close();
    const reopened = openSqliteStore({ path: file.path, masterKey });
    const events = await reopened.events.readStream('archive-t');
    const all = await reopened.events.readAll();
    // a rebuild's read, stream by stream on the reader's thread, hands the altered rows over as every read does
    const byStream = await reopened.events.readByStream!({ upTo: await reopened.events.headPosition() });
    const untouched = verifyChain('archive-u', await reopened.events.readStream('archive-u'));
    await reopened.close();
    return { result: verifyChain('archive-t', events), all, byStream, untouched };
  };

  it.each([
    ['data edited to other JSON', `UPDATE events SET data = '{"n":2}' WHERE position = 2`, 'hash-mismatch'],
    [
      'data replaced by text that is not JSON',
      `UPDATE events SET data = 'garbage{' WHERE position = 2`,
      'hash-mismatch',
    ],
    [
      // not JSON alone, but JSON once written into a page's text: it would shift the event's values
      'data replaced by two JSON values',
      `UPDATE events SET data = '1,2' WHERE position = 2`,
      'hash-mismatch',
    ],
    ['metadata not JSON', `UPDATE events SET metadata = '' WHERE position = 2`, 'hash-mismatch'],
    [
      // a page's metadata comes joined by U+0001, which JSON never holds raw: it would split in two
      'metadata holding U+0001',
      `UPDATE events SET metadata = 'a' || char(1) || 'b' WHERE position = 2`,
      'hash-mismatch',
    ],
    [
      'the stored hash rewritten',
      `UPDATE events SET hash = '${'f'.repeat(64)}' WHERE position = 2`,
      'hash-mismatch',
    ],
    ['a row deleted', `DELETE FROM events WHERE position = 2`, 'revision-gap'],
  ])('%s is reported by verifyChain at its position, not a crash', async (_title, sql, reason) => {
    const { result, all, byStream, untouched } = await tamper(sql);
    expect(result._tag).toBe('Left');
    if (result._tag === 'Left') {
      expect(result.left.reason).toBe(reason);
      expect(result.left.position).toBe(reason === 'revision-gap' ? 3n : 2n);
      expect(result.left.message).toMatch(/global position [23]/);
    }
    expect(all.length).toBeGreaterThanOrEqual(3);
    // the streams' ids sort as their positions: stream order is position order here; a rebuild's read holds
    // what read models fold of each event (not the event id, the time recorded or the hashes)
    expect(byStream.map(projectableOf)).toEqual(all.map(projectableOf));
    expect(untouched._tag).toBe('Right');
  });
});
