import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readModelWriterContract } from '@dossier/core/testing';
import { sqliteReadModelWriter } from './read-model-writer';

const harness = (partValues?: number) => ({
  placeholders: 'question' as const,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-rmw-'));
    const path = join(dir, 'rm.db');
    const reader = new Database(path);
    reader.pragma('journal_mode = WAL');
    reader.exec('create table t (k text primary key, v integer not null)');
    const writer = sqliteReadModelWriter({ path, ...(partValues ? { partValues } : {}) });
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

readModelWriterContract('SQLite (its own thread)', harness());
// every statement crosses as a part of its own: a commit is still all or nothing
readModelWriterContract('SQLite (its own thread, commits in parts)', harness(1));

describe('SQLite read-model writer', () => {
  it('rejects commits once its thread cannot open the file, naming the cause', async () => {
    const writer = sqliteReadModelWriter({ path: join(tmpdir(), 'no-such-dir-dossier', 'x', 'rm.db') });
    await expect(writer.commit([{ sql: 'select 1', parameters: [] }])).rejects.toThrow(/directory|open/i);
    await writer.close();
  });

  it('sends each SQL text once and keeps 256: texts forgotten and used again still run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-rmw-'));
    const path = join(dir, 'rm.db');
    const reader = new Database(path);
    reader.pragma('journal_mode = WAL');
    reader.exec('create table t (k text primary key, v integer not null)');
    const writer = sqliteReadModelWriter({ path });
    try {
      // 600 distinct texts (the value is written into the text), each used twice, far apart
      const text = (i: number) =>
        `insert into t (k, v) values (?, ${i}) on conflict (k) do update set v = v + ${i}`;
      for (let round = 0; round < 2; round++)
        for (let from = 0; from < 600; from += 50)
          await writer.commit(
            Array.from({ length: 50 }, (_, j) => ({ sql: text(from + j), parameters: [`k${from + j}`] })),
          );
      const rows = reader.prepare('select k, v from t order by v').all() as { k: string; v: number }[];
      expect(rows).toHaveLength(600);
      expect(rows.every((r) => r.v === 2 * Number(r.k.slice(1)))).toBe(true);
    } finally {
      await writer.close();
      reader.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
