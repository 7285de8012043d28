import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { commandHandler, fixedClock, inMemoryEventStore, inMemoryKeyStore } from '@dossier/core';
import { aCreateArchive, aLogContact, anActor } from '@dossier/core/testing';
import { allReadModels } from './read-models';
import { projectionRunner } from './runner';
import { gatedWriter } from './testing-writer';
import { postgresKysely, sqliteKysely, throwsOnTierChanged } from './testing-db';

/* eslint-disable @typescript-eslint/no-explicit-any */

const PII = ['王丽华', '138 0013 8000', '6222 0210 0109 8765 432', '赵客户联系人'];

/** A realistic history touching every read model, ending with one archive destroyed. */
const history = async () => {
  const clock = fixedClock('2026-03-02T02:00:00.000Z');
  const store = inMemoryEventStore(clock);
  const keys = inMemoryKeyStore();
  const h = commandHandler({ store, keys, clock });
  const ok = async (c: unknown) => {
    const r = await h.execute(c);
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    return r.right;
  };
  const kept = randomUUID();
  const gone = randomUUID();
  const mm = anActor('marketing_manager', 'mm-1');
  const cs = anActor('customer_service', 'cs-1');
  await ok(aCreateArchive(kept));
  await ok(
    aCreateArchive(gone, {
      number: 'KH-GONE-1',
      profile: { ...aCreateArchive().profile, company: { name: '待销毁公司' } },
    }),
  );
  await ok({
    type: 'RecordInformation',
    commandId: 'i1',
    archiveId: kept,
    actor: mm,
    receiptId: 'r1',
    channel: 'visit',
    summary: '迁址',
    receivedAt: '2026-02-27T02:00:00.000Z',
  });
  await ok({
    type: 'UpdateArchive',
    commandId: 'u1',
    archiveId: kept,
    actor: mm,
    reason: '迁址',
    resolves: ['r1'],
    changes: { company: { address: '新址 1 号' }, people: [{ role: 'main_contact', name: '赵客户联系人' }] },
  });
  await ok(aLogContact(kept, '2026-03-02T01:00:00.000Z', { actor: mm }));
  await ok({ type: 'ChangeTier', commandId: 't1', archiveId: kept, actor: mm, to: 'A', reason: '前 20%' });
  await ok({
    type: 'RequestBorrow',
    commandId: 'b1',
    archiveId: kept,
    actor: anActor('other_department', 'fin-1'),
    borrowingId: 'bw1',
    purpose: '对账',
  });
  await ok({
    type: 'ApproveBorrow',
    commandId: 'b2',
    archiveId: kept,
    actor: anActor('marketing_director', 'md-1'),
    borrowingId: 'bw1',
  });
  await ok({ type: 'LendArchive', commandId: 'b3', archiveId: kept, actor: cs, borrowingId: 'bw1' });
  await ok(aLogContact(gone, '2026-03-02T01:00:00.000Z', { withWhom: '王丽华' }));
  await ok({
    type: 'RequestDestruction',
    commandId: 'd1',
    archiveId: gone,
    actor: cs,
    destructionId: 'x1',
    reason: '未达成协议',
    basis: 'no_agreement',
  });
  await ok({
    type: 'ApproveDestruction',
    commandId: 'd2',
    archiveId: gone,
    actor: anActor('department_head', 'dh-1'),
    destructionId: 'x1',
  });
  await ok({
    type: 'ExecuteDestruction',
    commandId: 'd3',
    archiveId: gone,
    actor: anActor('customer_service', 'cs-2'),
    destructionId: 'x1',
    witnesses: [{ id: 'w1' }, { id: 'w2' }],
    method: 'crypto-shredding',
  });
  await store.append(
    `read-log-${kept}`,
    [
      {
        eventId: randomUUID(),
        type: 'ArchiveRead',
        schemaVersion: 1,
        data: {
          archiveId: kept,
          reader: mm,
          grant: 'role:marketing_manager',
          at: '2026-03-02T02:00:00.000Z',
        },
        metadata: { actor: mm, occurredAt: '2026-03-02T02:00:00.000Z', correlationId: 'r', causationId: 'r' },
      },
    ],
    'any',
  );
  return { store, keys, kept, gone };
};

const rows = (db: Kysely<any>, table: string) => db.selectFrom(table).selectAll().execute();

describe.each([
  ['sqlite', async () => sqliteKysely()],
  ['postgres', async () => postgresKysely()],
] as const)('read models on %s (issue #4)', (dialect, open) => {
  it('builds every read model from the log (SLA deadlines DOMAIN.md §3, contact dues §4, borrowing §6), and destruction leaves no personal field in plaintext anywhere (§7)', async () => {
    const handle = await open();
    if (!handle) return console.warn('PostgreSQL unreachable: skipped');
    const { db } = handle;
    try {
      const { store, kept, gone } = await history();
      const runner = projectionRunner({ store, db, dialect, projections: allReadModels(), batchSize: 5 });
      await runner.start();
      expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);
      await runner.stop();
      const t = (name: string, base: string) => runner.table(name, base);

      const list = await rows(db, t('archive-list', 'archive_list'));
      expect(list.find((r) => r.archive_id === kept)).toMatchObject({
        tier: 'A',
        status: 'open',
        name: '上海东方精密机械有限公司',
      });
      expect(list.find((r) => r.archive_id === gone)).toMatchObject({ status: 'destroyed' });

      const detail = await rows(db, t('archive-detail', 'archive_detail'));
      const keptState = JSON.parse(detail.find((r) => r.archive_id === kept)!.state);
      expect(keptState.profile.people).toHaveProperty('$pii');
      expect(keptState.profile.company.address).toBe('新址 1 号');

      const hist = await rows(db, t('change-history', 'change_history'));
      expect(hist.filter((r) => r.archive_id === kept).map((r) => r.field)).toEqual([
        '(created)',
        'company.address',
        'people',
        'tier',
      ]);
      expect(hist.find((r) => r.field === 'company.address')).toMatchObject({
        before: JSON.stringify('上海市浦东新区张江路 88 号'),
        after: JSON.stringify('新址 1 号'),
        actor_id: 'mm-1',
        reason: '迁址',
      });

      const board = await rows(db, t('contact-board', 'contact_board'));
      expect(board).toHaveLength(1);
      expect(board[0]).toMatchObject({
        archive_id: kept,
        tier: 'A',
        last_phone: '2026-03-02T01:00:00.000Z',
        phone_due: '2026-03-09',
      });

      const sla = await rows(db, t('sla-board', 'sla_board'));
      expect(sla[0]).toMatchObject({
        receipt_id: 'r1',
        resolved_at: '2026-03-02T02:00:00.000Z',
        warn_at: '2026-02-28T02:00:00.000Z',
        breach_at: '2026-03-01T02:00:00.000Z',
      });

      const borrow = await rows(db, t('borrowing-register', 'borrowing_register'));
      expect(borrow[0]).toMatchObject({
        borrowing_id: 'bw1',
        status: 'lent',
        approver_id: 'md-1',
        due_at: '2026-03-02T10:00:00.000Z',
      });

      const destroyed = await rows(db, t('destruction-register', 'destruction_register'));
      expect(destroyed[0]).toMatchObject({
        archive_number: 'KH-GONE-1',
        witnesses: JSON.stringify(['w1', 'w2']),
        method: 'crypto-shredding',
      });

      const moves = await rows(db, t('tier-movements', 'tier_movements'));
      expect(moves).toEqual([
        expect.objectContaining({ month: '2026-03', from_tier: 'B', to_tier: 'A', direction: 'up' }),
      ]);
      expect(Number(moves[0]!.count)).toBe(1);

      const reads = await rows(db, t('read-log', 'read_log'));
      expect(reads[0]).toMatchObject({
        archive_id: kept,
        reader_id: 'mm-1',
        grant_used: 'role:marketing_manager',
      });

      // destruction reaches every read model: scan everything for the plaintext written before
      if ('path' in handle) {
        await db.destroy();
        for (const f of [handle.path, handle.path + '-wal']) {
          if (!existsSync(f)) continue;
          const bytes = readFileSync(f);
          for (const p of PII) expect(bytes.includes(Buffer.from(p, 'utf8'))).toBe(false);
        }
      } else {
        const tables = await db
          .selectFrom('information_schema.tables' as any)
          .select('table_name')
          .where('table_schema', '=', 'public')
          .execute();
        for (const { table_name } of tables) {
          const dump = JSON.stringify(await rows(db, table_name));
          for (const p of PII) expect(dump).not.toContain(p);
        }
      }
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it('a poison event stops only the projection that throws, naming the position and type; the others go on', async () => {
    const handle = await open();
    if (!handle) return;
    try {
      const { store } = await history();
      const poison = throwsOnTierChanged();
      const errors: string[] = [];
      const runner = projectionRunner({
        store,
        db: handle.db,
        dialect,
        projections: [poison, ...allReadModels()],
        batchSize: 4,
        onError: (e) => errors.push(e.message),
      });
      await runner.start();
      const head = await store.headPosition();
      expect(await runner.waitFor(head, 10_000)).toBe(true);
      const status = await runner.status();
      await runner.stop();
      const bad = status.find((s) => s.name === 'poisoned')!;
      const tierAt = (await store.readAll({ types: ['TierChanged'] }))[0]!.position;
      expect(bad.state).toBe('failed');
      expect(bad.error).toContain(`position ${tierAt} (TierChanged)`);
      expect(bad.checkpoint).toBeLessThan(tierAt);
      expect(errors).toHaveLength(1);
      for (const s of status.filter((x) => x.name !== 'poisoned')) expect(s.checkpoint).toBe(head);
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);

  /**
   * `body` given the database and a second connection to it: on SQLite the same one, whose transactions kysely
   * serialises (two connections in one process would wait on each other's lock); on PostgreSQL a second pool,
   * as a second API process has. Skipped when PostgreSQL is unreachable.
   */
  const withTwoConnections = async (body: (db: Kysely<any>, second: Kysely<any>) => Promise<void>) => {
    const handle = await open();
    if (!handle) return;
    const second = dialect === 'sqlite' ? handle.db : handle.another();
    try {
      await body(handle.db, second);
    } finally {
      if (second !== handle.db) await second.destroy();
      await handle.cleanup().catch(() => undefined);
    }
  };

  it(
    'two runners on one database (two API processes) apply every event exactly once',
    () =>
      withTwoConnections(async (db, second) => {
        const { store } = await history();
        const head = await store.headPosition();
        // a page the other runner committed first fails at its guard, before any row (not at a duplicate row),
        // and the runner takes the checkpoints from the database: nothing to report
        const failures: unknown[] = [];
        const onFailure = (e: unknown) => failures.push(e);
        const a = projectionRunner({
          store,
          db: db,
          dialect,
          projections: allReadModels(),
          batchSize: 2,
          onFailure,
        });
        const b = projectionRunner({
          store,
          db: second,
          dialect,
          projections: allReadModels(),
          batchSize: 3,
          onFailure,
        });
        await Promise.all([a.start(), b.start()]);
        // each resolves once its read models are there, not at its timeout: a runner whose checkpoints the other
        // one moved (it learns of them from the database) wakes its waiters too, well within the test's time
        expect(await Promise.all([a.waitFor(head, 600_000), b.waitFor(head, 600_000)])).toEqual([true, true]);
        await Promise.all([a.stop(), b.stop()]);
        const moves = await rows(db, a.table('tier-movements', 'tier_movements'));
        expect(moves.map((r) => Number(r.count))).toEqual([1]);
        const hist = await rows(db, a.table('change-history', 'change_history'));
        expect(hist).toHaveLength(new Set(hist.map((r) => `${r.position}:${r.seq}`)).size);
        expect(hist.length).toBe(6);
        expect(failures).toEqual([]);
      }),
    60_000,
  );

  it(
    'a runner that folded pages another runner has committed since fails at its guard, before writing a row, and goes on from the database',
    () =>
      withTwoConnections(async (db, second) => {
        const { store } = await history();
        const head = await store.headPosition();
        // the change history alone, whose rows are appended (no check for one there already)
        const models = () => allReadModels().filter((m) => m.name === 'change-history');
        // given runner b, whose commits are held (in order) until runner a has built every read model
        const gate = gatedWriter(second, dialect);
        const failures: unknown[] = [];
        const b = projectionRunner({
          store,
          db: second,
          dialect,
          projections: models(),
          batchSize: 100,
          pollMs: 10,
          onFailure: (e) => failures.push(e),
          writer: gate.writer,
        });
        await b.start();
        while (gate.waiting.length === 0) await new Promise((r) => setTimeout(r, 5));
        const a = projectionRunner({ store, db: db, dialect, projections: models() });
        await a.start();
        expect(await a.waitFor(head, 30_000)).toBe(true);
        await a.stop();
        // when b's commit goes ahead, its guard fails first: no duplicate row to report, and b takes the
        // checkpoints from the database
        await gate.free();
        const reached = await b.waitFor(head, 10_000);
        await b.stop();
        expect(failures).toEqual([]);
        expect(reached).toBe(true);
        const hist = await rows(db, a.table('change-history', 'change_history'));
        expect(hist).toHaveLength(6);
      }),
    60_000,
  );

  it('rebuild side by side: a new version builds into new tables while the old serves, then takes over', async () => {
    const handle = await open();
    if (!handle) return;
    try {
      const { store } = await history();
      const [list] = allReadModels();
      const v1 = projectionRunner({ store, db: handle.db, dialect, projections: [list!] });
      await v1.start();
      await v1.waitFor(await store.headPosition(), 10_000);
      await v1.stop();
      expect(v1.table('archive-list', 'archive_list')).toBe('rm_archive_list_v1');

      const v2 = projectionRunner({
        store,
        db: handle.db,
        dialect,
        projections: [list!, { ...list!, version: 2 }],
        batchSize: 3,
      });
      await v2.start();
      const before = await v2.status();
      expect(before.find((s) => s.version === 1)!.active).toBe(true);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !(await v2.status()).find((s) => s.version === 2)!.active)
        await new Promise((r) => setTimeout(r, 20));
      const after = await v2.status();
      await v2.stop();
      expect(after.find((s) => s.version === 2)).toMatchObject({ active: true, lag: 0n });
      expect(after.find((s) => s.version === 1)!.active).toBe(false);
      expect(v2.table('archive-list', 'archive_list')).toBe('rm_archive_list_v2');
      expect(await rows(handle.db, 'rm_archive_list_v2')).toHaveLength(2);
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);
});

describe('each read model names the event types whose metadata it reads (issue #4, read models; DOMAIN.md §2)', () => {
  // in a pass of several, a type one of them names is read for all: alone, each reads only what it names, and
  // the in-memory store leaves every other type's metadata unread (reading it throws MetadataNotRead)
  it.each(allReadModels().map((p) => [p.name]))(
    '%s, rebuilt alone, reads no metadata it did not name',
    async (name) => {
      const handle = sqliteKysely();
      try {
        const { store } = await history();
        const projection = allReadModels().find((p) => p.name === name)!;
        const runner = projectionRunner({
          store,
          db: handle.db,
          dialect: 'sqlite',
          projections: [projection],
        });
        await runner.start();
        // a read model that stopped is waited for no longer than this
        const reached = await runner.waitFor(await store.headPosition(), 2_000);
        const status = await runner.status();
        await runner.stop();
        // a read of metadata it did not name would have stopped it there, the error saying so
        expect(status.map((s) => s.error ?? 'no error')).toEqual(['no error']);
        expect(status[0]?.state).not.toBe('failed');
        expect(reached).toBe(true);
      } finally {
        await handle.db.destroy();
        await handle.cleanup();
      }
    },
  );
});
