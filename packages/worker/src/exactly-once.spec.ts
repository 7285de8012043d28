import { randomUUID } from 'node:crypto';
import { commandHandler, findingKey } from '@dossier/core';
import type { EventOf, FindingType } from '@dossier/core';
import { physicalTable } from '@dossier/projections';
import { LEASES } from './worker-leases';
import { WORKER_ACTOR } from './finding-recorder';
import { findingCommandId } from './schedule';
import { actors, openScenario } from './testing/scenario';
import type { RecordedFinding, Scenario } from './testing/scenario';

const T0 = '2026-03-02T02:00:00.000Z';
const LATER = '2027-06-01T00:00:00.000Z'; // everything of the seed is due: SLA, cadence, return, yearly and tier review

const keyOf = (f: RecordedFinding) =>
  `${f.archiveId} ${findingKey({ type: f.type, data: f.data } as EventOf<FindingType>)}`;

/** How many times each finding key was recorded, only the keys recorded more than once. */
const duplicates = (findings: readonly RecordedFinding[]) => {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(keyOf(f), (counts.get(keyOf(f)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
};

/** Archives with an open receipt, a loan and transactions: every kind of deadline pending. */
const seed = async (s: Scenario, n = 6) => {
  for (let i = 0; i < n; i++) {
    const id = `a${i}`;
    await s.create(id);
    await s.exec({
      type: 'RecordInformation',
      archiveId: id,
      actor: actors.manager,
      receiptId: 'r1',
      channel: 'phone',
      summary: '新开户行',
      receivedAt: T0,
    });
    await s.exec({
      type: 'RequestBorrow',
      archiveId: id,
      actor: actors.rep,
      borrowingId: 'b1',
      purpose: '核对',
    });
    await s.exec({ type: 'ApproveBorrow', archiveId: id, actor: actors.manager, borrowingId: 'b1' });
    await s.exec({ type: 'LendArchive', archiveId: id, actor: actors.keeper, borrowingId: 'b1' });
    await s.exec({
      type: 'RecordTransaction',
      archiveId: id,
      actor: actors.rep,
      transactionId: 't1',
      number: `HT-${id}`,
      occurredAt: T0,
      amount: { minor: (i + 1) * 100_000, currency: 'CNY' },
      personInCharge: '李明',
      breachOfContract: false,
    });
  }
};

const recordedLines = (s: Scenario) =>
  s.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'finding recorded');

describe.each(['sqlite', 'postgres'] as const)(
  'exactly once (DOMAIN.md §2, worker findings) on %s',
  (dialect) => {
    let s: Scenario | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });
    const open = async (options = {}) => {
      s = await openScenario(dialect, T0, options);
      if (!s) console.warn('PostgreSQL unreachable: skipped');
      return s;
    };

    it('§2 findings: a tick run twice records nothing twice, and every finding has one log line', async () => {
      const s = await open();
      if (!s) return;
      await seed(s);
      const first = await s.tickAt(LATER);
      expect(first.recorded).toBeGreaterThan(6 * 5);
      const again = await s.tickAt(LATER);
      expect(again).toMatchObject({ recorded: 0, claimed: 0 });
      const findings = await s.findings();
      expect(findings).toHaveLength(first.recorded);
      expect(duplicates(findings)).toEqual([]);
      expect(new Set(findings.map((f) => f.type))).toEqual(
        new Set(['UpdateSlaBreached', 'ContactOverdue', 'ReturnOverdue', 'ReviewDue', 'TierChangeProposed']),
      );
      expect(recordedLines(s)).toHaveLength(findings.length);
      expect(
        findings.every(
          (f) =>
            f.actor === 'worker' && f.commandId === findingCommandId(f.archiveId, keyOf(f).split(' ')[1]!),
        ),
      ).toBe(true);
    });

    it('§2 findings: workers whose claims overlap (leases lapsing at once) still record every finding once', async () => {
      const s = await open({ leaseMs: 0, projectorLeaseMs: 60_000, concurrency: 4 });
      if (!s) return;
      await seed(s);
      s.clock.set(LATER);
      const workers = [s.worker, s.another(), s.another()];
      const reports = await Promise.all(workers.map((w) => w.tick()));
      await Promise.all(workers.map((w) => w.tick()));
      const findings = await s.findings();
      expect(duplicates(findings)).toEqual([]);
      // every finding is logged; a collision on the same command id cannot tell the writer from the replayer
      // (the store's idempotent replay is not reported by the handler), so a line may repeat — by event id
      expect(new Set(recordedLines(s).map((l) => l.eventId)).size).toBe(findings.length);
      expect(reports.reduce((n, r) => n + r.claimed, 0)).toBeGreaterThan(findings.length); // they did collide
    });

    it('§2 findings: a worker that does not project fires on the read model another worker keeps', async () => {
      const s = await open();
      if (!s) return;
      await seed(s);
      await s.tickAt(T0); // w1 projects (and nothing is due yet)
      const follower = s.another({ project: false });
      s.clock.set(LATER);
      const report = await follower.tick();
      expect(report).toMatchObject({ caughtUp: true });
      expect(report.recorded).toBeGreaterThan(6 * 5);
      expect(follower.projecting()).toBe(false);
      expect(await s.worker.tick()).toMatchObject({ recorded: 0 });
      expect(duplicates(await s.findings())).toEqual([]);
    });

    it('§2 findings: a read model rebuilt from the log (a replay) fires nothing that was recorded', async () => {
      const s = await open();
      if (!s) return;
      await seed(s);
      const first = await s.tickAt(LATER);
      await s.worker.stop();
      const db = s.store.db;
      for (const base of ['pending_deadlines', 'deadline_archives', 'deadline_transactions'])
        await db.schema.dropTable(physicalTable(base, 1)).execute();
      await db.deleteFrom('projection_checkpoints').execute();
      await db.deleteFrom('projection_active').execute();
      await db.deleteFrom(LEASES).execute();
      const rebuilt = s.another();
      const report = await rebuilt.tick();
      expect(report).toMatchObject({ caughtUp: true, recorded: 0, tierReviews: 1 });
      expect(report.replayed + report.moot).toBeGreaterThan(0);
      expect(await s.findings()).toHaveLength(first.recorded);
    });

    it('§2 findings: the same finding fired concurrently through the handler is appended once (command id, expected revision, decider)', async () => {
      const s = await open();
      if (!s) return;
      await s.create('a1');
      await s.exec({
        type: 'RecordInformation',
        archiveId: 'a1',
        actor: actors.manager,
        receiptId: 'r1',
        channel: 'phone',
        summary: '新开户行',
        receivedAt: T0,
      });
      const handler = commandHandler({ store: s.store.events, keys: s.store.keys, clock: s.clock });
      const finding = {
        type: 'UpdateSlaWarned',
        data: { receiptId: 'r1', receivedAt: T0, deadline: '2026-03-03T02:00:00.000Z' },
      };
      const commandId = findingCommandId('a1', 'sla-warned:r1');
      const fire = (id: string) =>
        handler.execute({
          type: 'RecordFinding',
          commandId: id,
          archiveId: 'a1',
          actor: WORKER_ACTOR,
          finding,
        });
      // the same command id eight times at once, then a different command id for the same finding
      const results = await Promise.all(Array.from({ length: 8 }, () => fire(commandId)));
      const late = await fire(randomUUID());
      expect(results.every((r) => r._tag === 'Right')).toBe(true);
      // one event, whatever each caller was told: every answer names that same event
      const ids = results.flatMap((r) => (r._tag === 'Right' ? r.right.events.map((e) => e.eventId) : []));
      expect(new Set(ids).size).toBe(1);
      expect(late._tag === 'Right' && late.right.events).toEqual([]);
      expect((await s.findings()).filter((f) => f.type === 'UpdateSlaWarned')).toHaveLength(1);
    });
  },
);
