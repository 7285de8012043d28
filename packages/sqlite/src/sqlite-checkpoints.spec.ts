import { anEvent } from '@dossier/core/testing';
import { loadCheckpointFrom, saveCheckpointIn } from './sqlite-checkpoints';
import { freshStore, rightOf } from './testing/fixtures';
import { openSqliteStore } from './open-sqlite-store';
import { masterKey } from './testing/fixtures';

describe('checkpoints', () => {
  it('answer 0n for a name never saved, then the last position saved, across reopening', async () => {
    const { store, file, done } = freshStore('checkpoints');
    expect(await store.checkpoints.load('customer-list')).toBe(0n);
    await store.checkpoints.save('customer-list', 41n);
    await store.checkpoints.save('customer-list', 42n);
    await store.checkpoints.save('sla-board', 7n);
    await store.close();
    const reopened = openSqliteStore({ path: file.path, masterKey });
    expect(await reopened.checkpoints.load('customer-list')).toBe(42n);
    expect(await reopened.checkpoints.load('sla-board')).toBe(7n);
    await reopened.close();
    await done();
  });

  it('a read model and its checkpoint written in one transaction commit together or not at all', async () => {
    const { store, done } = freshStore('checkpoints-tx');
    try {
      const { db } = store;
      db.exec('CREATE TABLE customer_list (archive_id TEXT PRIMARY KEY, position INTEGER NOT NULL)');
      const res = rightOf(await store.events.append('archive-1', [anEvent('ArchiveCreated')], 'no_stream'));
      const project = (fail: boolean) =>
        db.transaction(() => {
          db.prepare('INSERT OR REPLACE INTO customer_list VALUES (?, ?)').run('archive-1', res.position);
          saveCheckpointIn(db, 'customer-list', res.position);
          if (fail) throw new Error('projection failed');
        })();
      expect(() => project(true)).toThrow('projection failed');
      expect(loadCheckpointFrom(db, 'customer-list')).toBe(0n);
      expect(db.prepare('SELECT count(*) FROM customer_list').pluck().get()).toBe(0);
      project(false);
      expect(loadCheckpointFrom(db, 'customer-list')).toBe(res.position);
      expect(await store.checkpoints.load('customer-list')).toBe(res.position);
    } finally {
      await done();
    }
  });

  it('positions beyond 2^53 round-trip exactly', async () => {
    const { store, done } = freshStore('checkpoints-big');
    await store.checkpoints.save('far', 2n ** 62n + 1n);
    expect(await store.checkpoints.load('far')).toBe(2n ** 62n + 1n);
    await done();
  });
});
