import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventStore, ReadModelWriter, SqlStatement } from '@dossier/core';
import { aCreateArchive, aLogContact, anActor } from '@dossier/core/testing';
import type { Projection } from './projection';
import { allReadModels, tierMovements } from './read-models';
import { projectionRunner } from './runner';
import { commandLog, postgresKysely, sqliteKysely, throwsOnTierChanged } from './testing-db';
import { postgresReadModelWriters } from '@dossier/postgres';
import { gatedWriter } from './testing-writer';
import { kyselyReadModelWriter } from './writing/kysely-writer';

/* eslint-disable @typescript-eslint/no-explicit-any */

const ARCHIVES = 6;
const ROUNDS = 8;

/** Six archives whose histories interleave, round by round, as a real log does. */
const interleaved = async () => {
  const { store, ok } = commandLog();
  const ids = Array.from({ length: ARCHIVES }, () => randomUUID());
  const mm = anActor('marketing_manager', 'mm-1');
  for (const id of ids) await ok(aCreateArchive(id));
  for (let k = 0; k < ROUNDS; k++)
    for (const [n, id] of ids.entries()) {
      await ok(aLogContact(id, `2026-03-01T0${k}:0${n}:00.000Z`, { actor: mm }));
      if (k % 3 === 2)
        await ok({
          type: 'ChangeTier',
          commandId: `t-${id}-${k}`,
          archiveId: id,
          actor: mm,
          // from the tier it was created in (B), up, then down
          to: k === 2 ? 'A' : 'C',
          reason: 'review',
        });
    }
  return store;
};

/**
 * Detail rows a commit writes: bound values on SQLite (5 a row), on PostgreSQL one binary `text[]` a column
 * (the first's length, at byte 12 of its header).
 */
const detailRows = (s: SqlStatement, dialect: 'sqlite' | 'postgres') =>
  !/insert into "rm_archive_detail_v1"/i.test(s.sql)
    ? 0
    : dialect === 'postgres'
      ? Buffer.from(s.parameters[0] as Uint8Array).readInt32BE(12)
      : s.parameters.length / 5;

/** Every read-model table's rows, sorted. */
const tables = async (
  db: Kysely<any>,
  runner: { table(name: string, base: string): string },
  projections: readonly Projection[] = allReadModels(),
) => {
  const out: Record<string, string[]> = {};
  for (const p of projections)
    for (const base of p.tables) {
      const rows = await db.selectFrom(runner.table(p.name, base)).selectAll().execute();
      out[base] = rows.map((r) => JSON.stringify(r)).sort();
    }
  return out;
};

describe.each([
  ['sqlite', async () => sqliteKysely()],
  ['postgres', async () => postgresKysely()],
] as const)('a rebuild stream by stream on %s (issue #4 runner)', (dialect, open) => {
  /** Rebuild every read model from nothing in pages of 8 events; what it wrote, and the rows it left. */
  /** `counting`: through a writer that counts what each commit writes (one writer: one commit for all). */
  const rebuild = async (
    store: EventStore,
    byStream: boolean,
    { projections = allReadModels(), counting = true, threaded = false } = {},
  ) => {
    const handle = await open();
    if (!handle) return undefined;
    const { db } = handle;
    // `threaded` (PostgreSQL): each read model commits through a writer on the adapter's thread, as the main job's
    const threads =
      threaded && 'url' in handle ? postgresReadModelWriters({ url: handle.url, connections: 4 }) : undefined;
    const inner = kyselyReadModelWriter(db, dialect);
    const written: number[] = [];
    const failures: unknown[] = [];
    /** Each commit: how many detail rows, and whether it moved the checkpoints or the pass's cursors. */
    const commits: { rows: number; checkpoints: boolean; cursors: boolean }[] = [];
    const writer: ReadModelWriter = {
      commit(statements) {
        const rows = statements.reduce((n, s) => n + detailRows(s, dialect), 0);
        written.push(rows);
        commits.push({
          rows,
          checkpoints: statements.some((s) => /update "projection_checkpoints"/i.test(s.sql)),
          cursors: statements.some((s) => /update "projection_stream_pass"/i.test(s.sql)),
        });
        return inner.commit(statements);
      },
      close: () => inner.close(),
    };
    const head = await store.headPosition();
    const runner = projectionRunner({
      store,
      db,
      dialect,
      projections,
      batchSize: 8,
      catchUpBatchSize: 8,
      pollMs: 10,
      // without a writer of its own, PostgreSQL commits each read model apart (as the main job does)
      ...(counting ? { writer } : {}),
      ...(threads ? { writers: () => threads.writer() } : {}),
      byStream,
      // every page writes what it changed (no holding back while catching up): the pages show
      deferForMs: 0,
      onFailure: (e) => failures.push(e),
    });
    try {
      await runner.start();
      expect(await runner.waitFor(head, 20_000)).toBe(true);
      // live: caught up and indexed (a moment after the checkpoints reach the head)
      for (let t = 0; t < 200 && (await runner.status()).some((x) => x.state !== 'live'); t++)
        await new Promise((r) => setTimeout(r, 25));
      const status = await runner.status();
      await runner.stop();
      const rows = await tables(db, runner, projections);
      const left = await db.selectFrom('projection_stream_pass').selectAll().execute();
      return {
        written: written.reduce((a, b) => a + b, 0),
        commits,
        rows,
        status,
        head,
        left,
        failures,
      };
    } finally {
      await threads?.close();
      await handle.cleanup().catch(() => undefined);
    }
  };

  it('folds each archive whole and writes its detail about once, leaving the very rows a rebuild in position order leaves', async () => {
    const store = await interleaved();
    const byStream = await rebuild(store, true);
    const byPosition = await rebuild(store, false);
    if (!byStream || !byPosition) return console.warn('PostgreSQL unreachable: skipped');
    expect(byStream.rows).toEqual(byPosition.rows);
    expect(byStream.rows.archive_detail).toHaveLength(ARCHIVES);
    expect(byStream.rows.tier_movements!.length).toBeGreaterThan(0);
    // a page boundary inside a stream writes that archive once more, at most once a page
    const pages = Math.ceil(Number(byStream.head) / 8);
    expect(byStream.written).toBeLessThanOrEqual(ARCHIVES + pages);
    // in position order every page of the interleaved log meets nearly every archive
    expect(byPosition.written).toBeGreaterThan(ARCHIVES + pages);
    // the pass moves its cursors with its rows and the checkpoints only at its end, which it leaves behind
    const moved = byStream.commits.filter((c) => c.checkpoints);
    expect(byStream.commits.filter((c) => c.rows > 0).every((c) => c.cursors || c.checkpoints)).toBe(true);
    expect(moved.length).toBeGreaterThan(0);
    expect(byStream.commits.indexOf(moved[0]!)).toBe(byStream.commits.filter((c) => c.cursors).length);
    expect(byStream.left).toEqual([]);
    expect(byStream.status.every((s) => s.checkpoint === byStream.head && s.state === 'live')).toBe(true);
    expect(byPosition.commits.some((c) => c.cursors)).toBe(false);
  }, 60_000);

  // PostgreSQL only: the adapter's writers on a thread of their own
  if (dialect === 'postgres')
    it("with each read model committing on the PostgreSQL adapter's writer thread (as the main job does), leaves the same rows", async () => {
      const store = await interleaved();
      const threaded = await rebuild(store, true, { counting: false, threaded: true });
      const byPosition = await rebuild(store, false);
      if (!threaded || !byPosition) return console.warn('PostgreSQL unreachable: skipped');
      expect(threaded.failures).toEqual([]);
      expect(threaded.rows).toEqual(byPosition.rows);
      expect(threaded.left).toEqual([]);
    });
  it('a commit that fails inside the pass: it starts again from the cursors (on PostgreSQL each read model has its own), and applies nothing twice', async () => {
    const store = await interleaved();
    let batches = 0;
    // its third page also writes to a table that is not there, once: that commit fails on the server
    const failingOnce: Projection = {
      ...tierMovements,
      async applyBatch(ctx, events) {
        await tierMovements.applyBatch(ctx, events);
        if (++batches === 3) await ctx.db.insertInto('no_such_table').values({ x: 1 }).execute();
      },
    };
    const models = allReadModels().map((m) => (m.name === 'tier-movements' ? failingOnce : m));
    const failed = await rebuild(store, true, { projections: models, counting: false });
    const reference = await rebuild(store, false);
    if (!failed || !reference) return console.warn('PostgreSQL unreachable: skipped');
    expect(failed.failures).toHaveLength(1);
    expect(failed.rows).toEqual(reference.rows);
    expect(failed.left).toEqual([]);
    expect(failed.status.every((s) => s.checkpoint === failed.head && s.state === 'live')).toBe(true);
  }, 60_000);

  it("a runner whose last page fails, another runner's cursor having moved first, does not end the pass: the rows after that cursor are written all the same", async () => {
    const store = await interleaved();
    const models = allReadModels().filter((m) => m.name === 'change-history');
    const clean = await rebuild(store, true, { projections: models, counting: false });
    const handle = await open();
    if (!clean || !handle) return console.warn('PostgreSQL unreachable: skipped');
    const until = async (what: () => boolean) => {
      for (let t = 0; t < 400 && !what(); t++) await new Promise((r) => setTimeout(r, 10));
      expect(what()).toBe(true);
    };
    const failures: unknown[] = [];
    const head = await store.headPosition();
    const a = gatedWriter(handle.db, dialect);
    const b = gatedWriter(handle.db, dialect);
    const runner = (writer: ReadModelWriter, pages: number) =>
      projectionRunner({
        store,
        db: handle.db,
        dialect,
        projections: models,
        batchSize: pages,
        catchUpBatchSize: pages,
        pollMs: 10,
        writer,
        onFailure: (e) => failures.push(e),
      });
    // runner a reads the pass in two pages of 48 events and hands over both and the pass's end
    const ra = runner(a.writer, 48);
    const rb = runner(b.writer, 1);
    try {
      await ra.start();
      const ends = (x: { statements: readonly SqlStatement[] }) =>
        x.statements.some((st) => /delete from "projection_stream_pass"/i.test(st.sql));
      await until(() => a.waiting.length === 3 && ends(a.waiting[2]!));
      // its first page commits; then runner b joins the pass there and commits one event's page
      await a.pass(1);
      await rb.start();
      await until(() => b.waiting.length > 0);
      await b.pass(1);
      // when a's second page fails at its cursor, its end fails too, and a goes on from b's cursor
      await a.free();
      await b.free();
      expect(await ra.waitFor(head, 20_000)).toBe(true);
      expect(await rb.waitFor(head, 20_000)).toBe(true);
      await Promise.all([ra.stop(), rb.stop()]);
      expect(failures).toEqual([]);
      const rows = await handle.db
        .selectFrom(ra.table('change-history', 'change_history'))
        .selectAll()
        .execute();
      expect(rows.map((r) => JSON.stringify(r)).sort()).toEqual(clean.rows.change_history);
    } finally {
      await Promise.all([ra.stop(), rb.stop()]).catch(() => undefined);
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it('reports its progress: during the pass the lag falls page by page as its count of events rises, then the pass is gone', async () => {
    const store = await interleaved();
    const handle = await open();
    if (!handle) return console.warn('PostgreSQL unreachable: skipped');
    try {
      const seen: { events: bigint; lag: bigint }[] = [];
      // the runner, made after its read models: they look it up as they run
      const late: { runner?: ReturnType<typeof projectionRunner> } = {};
      // at each of its pages, how the list read model's status reads
      const watching: Projection = {
        ...tierMovements,
        async applyBatch(ctx, events) {
          const s = (await late.runner!.status()).find((x) => x.name === 'archive-list')!;
          if (s.pass) seen.push({ events: s.pass.events, lag: s.lag });
          await tierMovements.applyBatch(ctx, events);
        },
      };
      const runner = (late.runner = projectionRunner({
        store,
        db: handle.db,
        dialect,
        projections: allReadModels().map((m) => (m.name === 'tier-movements' ? watching : m)),
        batchSize: 8,
        catchUpBatchSize: 8,
        pollMs: 10,
      }));
      const head = await store.headPosition();
      await runner.start();
      expect(await runner.waitFor(head, 20_000)).toBe(true);
      const after = (await runner.status()).find((x) => x.name === 'archive-list')!;
      await runner.stop();
      expect(seen.length).toBeGreaterThan(3);
      expect(seen[0]).toEqual({ events: 0n, lag: head });
      for (let k = 1; k < seen.length; k++) {
        expect(seen[k]!.events).toBeGreaterThanOrEqual(seen[k - 1]!.events);
        expect(seen[k]!.lag).toBe(head - seen[k]!.events);
      }
      expect(seen.some((x) => x.events > 0n && x.events < head)).toBe(true);
      expect([after.pass, after.lag]).toEqual([undefined, 0n]);
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);

  /** Every read model and `extra` rebuilt by a pass in pages of 8, until all that did not fail reach the head. */
  const passWith = async (store: EventStore, db: Kysely<any>, extra: Projection) => {
    const errors: string[] = [];
    const runner = projectionRunner({
      store,
      db,
      dialect,
      projections: [extra, ...allReadModels()],
      batchSize: 8,
      catchUpBatchSize: 8,
      pollMs: 10,
      onError: (e) => errors.push(e.message),
    });
    const head = await store.headPosition();
    await runner.start();
    const reached = await runner.waitFor(head, 20_000);
    const status = await runner.status();
    await runner.stop();
    return { errors, head, reached, status, runner };
  };

  it('a read model that throws on an event inside the pass stops there, naming it; the others finish the pass', async () => {
    const store = await interleaved();
    const handle = await open();
    if (!handle) return console.warn('PostgreSQL unreachable: skipped');
    try {
      const poisoned = throwsOnTierChanged({ perStream: true });
      const { errors, head, reached, status } = await passWith(store, handle.db, poisoned);
      // every read model that did not fail
      expect(reached).toBe(true);
      const bad = status.find((s) => s.name === 'poisoned')!;
      expect(errors).toEqual([
        expect.stringMatching(/projection poisoned stopped at event position \d+ \(TierChanged\): boom/),
      ]);
      // stopped inside the pass: its checkpoint never moved, and it reports no pass any more
      expect([bad.state, bad.checkpoint, bad.pass]).toEqual(['failed', 0n, undefined]);
      for (const s of status.filter((x) => x.name !== 'poisoned'))
        expect([s.checkpoint, s.pass]).toEqual([head, undefined]);
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it('a read model that reads the metadata of a type missing from its readsMetadataOf stops at the first such event, naming it and the fix; the change history, which declares its types, is built with every change attributed (DOMAIN.md §2)', async () => {
    const store = await interleaved();
    const handle = await open();
    if (!handle) return console.warn('PostgreSQL unreachable: skipped');
    try {
      const actors: string[] = [];
      // reads the actor of every tier change and every contact, but declares only TierChanged (no other read
      // model declares ContactLogged: the pass reads no contact's metadata)
      const undeclared: Projection = {
        name: 'undeclared',
        version: 1,
        tables: [],
        perStream: true,
        readsMetadataOf: ['TierChanged'],
        async createTables() {},
        async applyBatch(_ctx, events) {
          // a plain loop, not forEachEvent: the runner names the event all the same
          for (const e of events)
            if (e.recorded.type === 'TierChanged' || e.recorded.type === 'ContactLogged')
              actors.push(e.recorded.metadata.actor.id);
        },
      };
      const { errors, head, reached, status, runner } = await passWith(store, handle.db, undeclared);
      expect(reached).toBe(true);
      const history = await handle.db
        .selectFrom(runner.table('change-history', 'change_history'))
        .selectAll()
        .execute();
      const inOrder = await store.readByStream!({ upTo: head, limit: 100_000 });
      const first = inOrder.find((e) => e.type === 'ContactLogged')!;
      expect(errors).toEqual([
        `projection undeclared stopped at event position ${first.position} (ContactLogged): the metadata of the event at position ${first.position} (ContactLogged) was not read: a read model that reads it must name ContactLogged in readsMetadataOf`,
      ]);
      // in stream order an archive's first contact comes before its first tier change: nothing was read
      expect(actors).toEqual([]);
      expect(status.find((x) => x.name === 'undeclared')!.state).toBe('failed');
      // the change history reads the actor of every change (creations and tier changes here), as recorded
      const created = history.filter((r: any) => r.field === '(created)');
      const tiers = history.filter((r: any) => r.field === 'tier');
      expect([created.length, tiers.length]).toEqual([ARCHIVES, ARCHIVES * 2]);
      const creators = (await store.readAll({ limit: 100_000 }))
        .filter((e) => e.type === 'ArchiveCreated')
        .map((e) => e.metadata.actor.id);
      expect(created.map((r: any) => r.actor_id).sort()).toEqual(creators.sort());
      expect(tiers.map((r: any) => r.actor_id)).toEqual(Array(ARCHIVES * 2).fill('mm-1'));
    } finally {
      await handle.cleanup().catch(() => undefined);
    }
  }, 60_000);

  it.each([
    ['stream by stream', true],
    ['in position order', false],
  ])(
    'an event that cannot be decoded stops every read model there (%s), naming it; the rows of the events before it stay',
    async (_order, byStream) => {
      const store = await interleaved();
      // the third archive's stream (in stream order) ends with an event of a type no Dossier wrote
      const streams = [...new Set((await store.readAll()).map((e) => e.streamId))]
        .filter((id) => id.startsWith('archive-'))
        .sort();
      const broken = streams[2]!;
      const kept = await store.readStream(broken);
      await store.append(
        broken,
        [{ eventId: randomUUID(), type: 'Bogus', schemaVersion: 1, data: {}, metadata: kept[0]!.metadata }],
        'any',
      );
      const bogus = (await store.readStream(broken)).at(-1)!;
      const handle = await open();
      if (!handle) return console.warn('PostgreSQL unreachable: skipped');
      try {
        const errors: string[] = [];
        const runner = projectionRunner({
          store,
          db: handle.db,
          dialect,
          projections: allReadModels(),
          batchSize: 8,
          catchUpBatchSize: 8,
          pollMs: 10,
          byStream,
          onError: (e) => errors.push(e.message),
        });
        await runner.start();
        for (let t = 0; t < 400 && (await runner.status()).some((x) => x.state !== 'failed'); t++)
          await new Promise((r) => setTimeout(r, 25));
        const status = await runner.status();
        const detail = await handle.db
          .selectFrom(runner.table('archive-detail', 'archive_detail'))
          .select(['archive_id', 'revision'])
          .execute();
        await runner.stop();
        expect(status.map((x) => x.state)).toEqual(allReadModels().map(() => 'failed'));
        expect(errors).toEqual([expect.stringContaining(`event position ${bogus.position} (Bogus)`)]);
        // stream by stream, the archives before it are whole, the broken one stands at the event before the bad
        // one, and none after it was begun; in position order (it is the log's last event), every archive is
        const lastRevision = async (id: string) =>
          id === broken
            ? Number(kept.at(-1)!.revision)
            : Number((await store.readStream(id)).at(-1)!.revision);
        const expected: Record<string, number> = {};
        for (const id of byStream ? streams.slice(0, 3) : streams) expected[id] = await lastRevision(id);
        const revisionOf = Object.fromEntries(
          detail.map((r) => [`archive-${r.archive_id}`, Number(r.revision)]),
        );
        expect(revisionOf).toEqual(expected);
      } finally {
        await handle.cleanup().catch(() => undefined);
      }
    },
    60_000,
  );
});
