import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import {
  archiveStream,
  commandHandler,
  fixedClock,
  inMemoryEventStore,
  inMemoryKeyStore,
} from '@dossier/core';
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

  it("a row carries the revision and position of its archive's last event, one that changes none of its other columns too", async () => {
    const clock = fixedClock('2026-03-02T02:00:00.000Z');
    const store = inMemoryEventStore(clock);
    const h = commandHandler({ store, keys: inMemoryKeyStore(), clock });
    const [a, b] = [randomUUID(), randomUUID()];
    await h.execute(aCreateArchive(a));
    await h.execute(aCreateArchive(b));
    // given: a contact logged for `a` in the same batch as its creation (nothing listed changes)
    await h.execute(aLogContact(a, '2026-03-02T01:00:00.000Z'));
    const t = tracedSqlite();
    const run = () => projectionRunner({ store, db: t.db, dialect: 'sqlite', projections: [archiveList()] });
    const row = (id: string) =>
      t.db
        .selectFrom('rm_archive_list_v1')
        .select(['revision', 'position'])
        .where('archive_id', '=', id)
        .executeTakeFirstOrThrow();
    const last = async (id: string) => (await store.readStream(archiveStream(id))).at(-1)!;
    let runner = run();
    try {
      await runner.start();
      expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
      // then its row stands at the contact, and `b`'s at its creation
      expect(await row(a)).toEqual({
        revision: Number((await last(a)).revision),
        position: Number((await last(a)).position),
      });
      expect(Number((await last(a)).revision)).toBe(1);
      expect(await row(b)).toMatchObject({ revision: 0, position: Number((await last(b)).position) });

      // when another contact is logged for `b`, in a later batch of the same runner (its row cached)
      await h.execute(aLogContact(b, '2026-03-02T01:30:00.000Z'));
      expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
      await runner.stop();
      expect(await row(b)).toMatchObject({ revision: 1, position: Number((await last(b)).position) });
      // and a new runner, whose caches are empty, reads it back and moves it again
      await h.execute(aLogContact(b, '2026-03-02T01:45:00.000Z'));
      runner = run();
      await runner.start();
      expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
      await runner.stop();
      expect(await row(b)).toMatchObject({ revision: 2, position: Number((await last(b)).position) });
    } finally {
      await runner.stop();
      await t.cleanup();
    }
  });
});
