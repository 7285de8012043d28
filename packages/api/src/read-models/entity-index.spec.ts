import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { commandHandler, fixedClock, inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import { aCreateArchive, anActor } from '@dossier/core/testing';
import { physicalTable, projectionRunner } from '@dossier/projections';
import { ENTITY_TABLE, entityIndex } from './entity-index';

describe('entity index rebuilt stream by stream (issue #4 runner, DOMAIN.md §2 §6 §7 entities)', () => {
  it('leaves the rows a rebuild in position order leaves, an id used on two archives included', async () => {
    const clock = fixedClock('2026-03-02T02:00:00.000Z');
    const store = inMemoryEventStore(clock);
    const h = commandHandler({ store, keys: inMemoryKeyStore(), clock });
    let n = 0;
    const ok = async (c: object) => {
      const r = await h.execute({ commandId: `c-${n++}`, ...c });
      if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    };
    const actor = anActor('marketing_manager', 'mm-1');
    // given three archives whose borrowings, disclosures and destructions interleave in the log; the
    // borrowing id `b-shared` is used on two of them
    const ids = ['a1', 'a2', 'a3'];
    for (const id of ids) await ok(aCreateArchive(id));
    for (let k = 0; k < 3; k++)
      for (const id of ids) {
        await ok({
          type: 'RequestBorrow',
          archiveId: id,
          actor,
          borrowingId: `b-${id}-${k}`,
          purpose: '审计',
        });
        await ok({
          type: 'RequestDisclosure',
          archiveId: id,
          actor,
          disclosureId: `d-${id}-${k}`,
          recipient: '银行',
          purpose: '授信',
        });
      }
    await ok({ type: 'RequestBorrow', archiveId: 'a3', actor, borrowingId: 'b-shared', purpose: '审计' });
    await ok({ type: 'RequestBorrow', archiveId: 'a1', actor, borrowingId: 'b-shared', purpose: '审计' });
    await ok({
      type: 'RequestDestruction',
      archiveId: 'a2',
      actor: anActor('customer_service', 'cs-1'),
      destructionId: 'x-a2',
      reason: '无保存价值',
      basis: 'no_agreement',
    });
    const head = await store.headPosition();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    try {
      // version 1 from nothing, stream by stream (the runner's default for a read model that says perStream) …
      const byStream = projectionRunner({ store, db, dialect: 'sqlite', projections: [entityIndex] });
      await byStream.start();
      expect(await byStream.waitFor(head, 20_000)).toBe(true);
      await byStream.stop();
      // … and version 2 beside it, in position order
      const byPosition = projectionRunner({
        store,
        db,
        dialect: 'sqlite',
        projections: [{ ...entityIndex, version: 2 }],
        byStream: false,
      });
      await byPosition.start();
      // it takes over once caught up, and its waiters are woken then (a missed wake-up runs into the test's
      // timeout, far below this one's)
      expect(await byPosition.waitFor(head, 600_000)).toBe(true);
      await byPosition.stop();
      const rows = async (version: number) =>
        (await db.selectFrom(physicalTable(ENTITY_TABLE, version)).selectAll().execute())
          .map((r) => JSON.stringify(r))
          .sort();
      const [streamRows, positionRows] = [await rows(1), await rows(2)];
      // 9 borrowings, 9 disclosures, the shared id twice, one destruction
      expect(streamRows).toHaveLength(9 + 9 + 2 + 1);
      expect(streamRows.filter((r) => r.includes('"b-shared"'))).toHaveLength(2);
      expect(streamRows).toEqual(positionRows);
    } finally {
      await db.destroy();
    }
  }, 15_000);
});
