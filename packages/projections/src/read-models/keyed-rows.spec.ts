import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { commandHandler, fixedClock, inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import { aCreateArchive, aLogContact } from '@dossier/core/testing';
import { projectionRunner } from '../runner';
import { archiveList, contactBoard } from './index';

/** Every statement SQLite runs on the read models' connection (better-sqlite3's own trace). */
const tracedSqlite = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-keyed-'));
  const ran: string[] = [];
  const database = new Database(join(dir, 'rm.db'), { verbose: (s) => ran.push(String(s)) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    ran,
    cleanup: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

describe('keyed read models (issue #4: archive list, contact board)', () => {
  it('rows an event creates are not read first; rows a later event changes are read once when not cached', async () => {
    const clock = fixedClock('2026-03-02T02:00:00.000Z');
    const store = inMemoryEventStore(clock);
    const h = commandHandler({ store, keys: inMemoryKeyStore(), clock });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await h.execute(aCreateArchive(id));
    const t = tracedSqlite();
    // the read models' own reads select by key (this spec's checks below select whole tables)
    const reads = () =>
      t.ran.filter((s) =>
        /^select .* from "rm_(archive_list|contact_board)_v1" where "archive_id" in/i.test(s),
      );
    const run = () =>
      projectionRunner({ store, db: t.db, dialect: 'sqlite', projections: [archiveList(), contactBoard()] });
    try {
      let runner = run();
      await runner.start();
      expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
      await runner.stop();
      // given three ArchiveCreated: three rows in each table, and not one select of them
      expect(await t.db.selectFrom('rm_archive_list_v1').selectAll().execute()).toHaveLength(3);
      expect(await t.db.selectFrom('rm_contact_board_v1').selectAll().execute()).toHaveLength(3);
      expect(reads()).toEqual([]);

      // when a contact is logged for an archive a new runner (empty caches) has not seen: its rows are read
      const r = await h.execute(aLogContact(ids[0]!, '2026-03-02T01:00:00.000Z'));
      expect(r._tag).toBe('Right');
      runner = run();
      await runner.start();
      expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
      await runner.stop();
      expect(reads()).toHaveLength(2);
      const board = await t.db
        .selectFrom('rm_contact_board_v1')
        .select('last_phone')
        .where('archive_id', '=', ids[0]!)
        .executeTakeFirstOrThrow();
      expect(board.last_phone).toBe('2026-03-02T01:00:00.000Z');
    } finally {
      await t.cleanup();
    }
  });
});
