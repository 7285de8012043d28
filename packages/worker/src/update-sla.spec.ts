import { projectionRunner } from '@dossier/projections';
import { pendingDeadlines } from './pending-deadlines';
import { actors, openScenario } from './testing/scenario';
import type { Scenario } from './testing/scenario';

const T0 = '2026-03-02T01:30:45.123Z'; // 09:30:45 on 2 March, Asia/Shanghai
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const DAY = 86_400_000;

const receive = (s: Scenario, receiptId: string, receivedAt: string) =>
  s.exec({
    type: 'RecordInformation',
    archiveId: 'a1',
    actor: actors.manager,
    receiptId,
    channel: 'email',
    summary: '客户迁址',
    receivedAt,
  });

const slaFindings = async (s: Scenario) =>
  (await s.findings()).filter((f) => f.type === 'UpdateSlaWarned' || f.type === 'UpdateSlaBreached');

describe.each(['sqlite', 'postgres'] as const)('update SLA (DOMAIN.md §3) on %s', (dialect) => {
  let s: Scenario | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const open = async (start = T0) => {
    s = await openScenario(dialect, start);
    if (!s) console.warn('PostgreSQL unreachable: skipped');
    return s;
  };

  it('§3 update SLA: warned at 1 day, breached at 2 days after receivedAt, each once, with one log line each', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    await receive(s, 'r1', T0);
    await s.tickAt(at(DAY - 1));
    expect(await slaFindings(s)).toEqual([]);
    await s.tickAt(at(DAY));
    expect(await slaFindings(s)).toEqual([
      expect.objectContaining({
        type: 'UpdateSlaWarned',
        actor: 'worker',
        data: { receiptId: 'r1', receivedAt: T0, deadline: at(DAY) },
      }),
    ]);
    await s.tickAt(at(2 * DAY - 1));
    expect(await slaFindings(s)).toHaveLength(1);
    await s.tickAt(at(2 * DAY));
    await s.tickAt(at(5 * DAY));
    expect((await slaFindings(s)).map((f) => [f.type, f.data.deadline])).toEqual([
      ['UpdateSlaWarned', at(DAY)],
      ['UpdateSlaBreached', at(2 * DAY)],
    ]);
    const logged = s.lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'finding recorded' && l.finding.startsWith('UpdateSla'));
    expect(logged).toEqual([
      expect.objectContaining({
        finding: 'UpdateSlaWarned',
        archiveId: 'a1',
        findingKey: 'sla-warned:r1',
        dueAt: at(DAY),
        lateMs: 0,
      }),
      expect.objectContaining({
        finding: 'UpdateSlaBreached',
        archiveId: 'a1',
        findingKey: 'sla-breached:r1',
        dueAt: at(2 * DAY),
      }),
    ]);
  });

  it('§3 update SLA: a receipt recorded three days after it was received is breached at the next tick', async () => {
    const s = await open(at(3 * DAY));
    if (!s) return;
    await s.create('a1');
    await receive(s, 'r1', T0); // backdated: judged by receivedAt
    const report = await s.tickAt(at(3 * DAY + 1000));
    expect((await slaFindings(s)).map((f) => f.type)).toEqual(['UpdateSlaBreached']);
    expect(report).toMatchObject({ superseded: 1 }); // the warning was overtaken by the breach
  });

  it('§3 update SLA: a receipt resolved by an update before its deadlines never fires', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    await receive(s, 'r1', T0);
    await receive(s, 'r2', T0);
    await s.exec(
      {
        type: 'UpdateArchive',
        archiveId: 'a1',
        actor: actors.manager,
        changes: { company: { address: '新址 1 号' } },
        reason: '迁址',
        resolves: ['r1'],
      },
      at(5 * 3_600_000),
    );
    for (const t of [DAY, 2 * DAY, 9 * DAY]) await s.tickAt(at(t));
    expect((await slaFindings(s)).map((f) => [f.type, f.data.receiptId])).toEqual([
      ['UpdateSlaWarned', 'r2'],
      ['UpdateSlaBreached', 'r2'],
    ]);
  });

  it('§3 update SLA: a deadline made moot after the read model saw it is dropped unfired (the decider decides nothing)', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    await receive(s, 'r1', T0);
    await s.tickAt(at(1000)); // the read model now holds the warning and the breach
    await s.worker.stop();
    await s.exec(
      {
        type: 'UpdateArchive',
        archiveId: 'a1',
        actor: actors.manager,
        changes: { company: { address: '新址 1 号' } },
        reason: '迁址',
        resolves: ['r1'],
      },
      at(2000),
    );
    // a worker whose read model lags (its runner never runs): the rows still say "due"
    const stale = projectionRunner({
      store: s.store.events,
      db: s.store.db,
      dialect,
      projections: [pendingDeadlines],
    });
    const lagging = s.another({ runner: stale, catchUpTimeoutMs: 50 });
    s.clock.set(at(DAY + 1000));
    const first = await lagging.tick();
    expect(first).toMatchObject({ caughtUp: false, moot: 1, recorded: 0 });
    expect(await slaFindings(s)).toEqual([]);
    s.clock.set(at(3 * DAY));
    expect(await lagging.tick()).toMatchObject({ moot: 1, recorded: 0 }); // the breach, also moot
    expect(await lagging.tick()).toMatchObject({ claimed: 0 });
    expect(await slaFindings(s)).toEqual([]);
  });
});
