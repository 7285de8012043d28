import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { anEvent } from '@dossier/core/testing';
import { openSqliteStore } from './open-sqlite-store';
import { tempDatabase } from './testing';
import { masterKey, rightOf } from './testing/fixtures';

/** Where the bytes occur in the database file and its write-ahead log, read raw from disk. */
const occurrences = (path: string, needle: Uint8Array) => {
  const count = (file: string) => {
    if (!existsSync(file)) return 0;
    const haystack = readFileSync(file);
    let n = 0;
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) n++;
    return n;
  };
  return { db: count(path), wal: count(`${path}-wal`) };
};

const wrappedOf = (path: string, archiveId: string): Buffer => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT wrapped FROM keys WHERE archive_id = ?').pluck().get(archiveId) as Buffer;
  } finally {
    db.close();
  }
};

describe('destroying a key (secure_delete, WAL truncated)', () => {
  it('leaves the wrapped key bytes readable neither in the .db file nor in the -wal file', async () => {
    const file = tempDatabase('scrub');
    const store = openSqliteStore({ path: file.path, masterKey });
    try {
      const doomed = randomUUID();
      const kept = randomUUID();
      await store.keys.getOrCreate(doomed);
      await store.keys.getOrCreate(kept);
      // some traffic around it, so the key's page has several versions in the WAL
      for (let i = 0; i < 20; i++)
        rightOf(await store.events.append(`archive-${i}`, [anEvent()], 'no_stream'));
      await store.keys.getOrCreate(randomUUID());
      const doomedBytes = wrappedOf(file.path, doomed);
      const keptBytes = wrappedOf(file.path, kept);
      expect(doomedBytes).toHaveLength(60);

      const before = occurrences(file.path, doomedBytes);
      expect(before.db + before.wal).toBeGreaterThan(0);

      await store.keys.destroy(doomed);

      expect(occurrences(file.path, doomedBytes)).toEqual({ db: 0, wal: 0 });
      // the scan does find what is still there
      const survivor = occurrences(file.path, keptBytes);
      expect(survivor.db + survivor.wal).toBeGreaterThan(0);
      expect(await store.keys.isDestroyed(doomed)).toBe(true);

      // and it stays gone after more writes and a reopen
      for (let i = 0; i < 20; i++) rightOf(await store.events.append(`archive-${i}`, [anEvent()], 0n));
      await store.close();
      expect(occurrences(file.path, doomedBytes)).toEqual({ db: 0, wal: 0 });
      const reopened = openSqliteStore({ path: file.path, masterKey });
      expect(await reopened.keys.get(doomed)).toBeUndefined();
      expect(await reopened.keys.isDestroyed(doomed)).toBe(true);
      expect(await reopened.keys.get(kept)).toHaveLength(32);
      await reopened.close();
    } finally {
      await store.close();
      file.remove();
    }
  });

  it('a key is stored only wrapped: the plaintext data key appears in neither file', async () => {
    const file = tempDatabase('scrub-plain');
    const store = openSqliteStore({ path: file.path, masterKey });
    try {
      const key = await store.keys.getOrCreate(randomUUID());
      expect(occurrences(file.path, key)).toEqual({ db: 0, wal: 0 });
      expect(occurrences(file.path, masterKey)).toEqual({ db: 0, wal: 0 });
    } finally {
      await store.close();
      file.remove();
    }
  });
});
