import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readModelWriterContract } from '@dossier/core/testing';
import { sqliteReadModelWriter } from './read-model-writer';

readModelWriterContract('SQLite (its own thread)', {
  placeholders: 'question',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-rmw-'));
    const path = join(dir, 'rm.db');
    const reader = new Database(path);
    reader.pragma('journal_mode = WAL');
    reader.exec('create table t (k text primary key, v integer not null)');
    const writer = sqliteReadModelWriter({ path });
    return {
      writer,
      rows: async () =>
        Object.fromEntries(
          (reader.prepare('select k, v from t').all() as { k: string; v: number }[]).map((r) => [r.k, r.v]),
        ),
      async close() {
        await writer.close();
        reader.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('SQLite read-model writer', () => {
  it('rejects commits once its thread cannot open the file, naming the cause', async () => {
    const writer = sqliteReadModelWriter({ path: join(tmpdir(), 'no-such-dir-dossier', 'x', 'rm.db') });
    await expect(writer.commit([{ sql: 'select 1', parameters: [] }])).rejects.toThrow(/directory|open/i);
    await writer.close();
  });
});
