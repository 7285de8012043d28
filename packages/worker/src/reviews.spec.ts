import { anActor } from '@dossier/core/testing';
import { defaultPolicyConfig } from '@dossier/core';
import { actors, allEvents, openScenario } from './testing/scenario';
import { physicalTable } from '@dossier/projections';
import type { Scenario } from './testing/scenario';

const T0 = '2026-03-02T02:00:00.000Z'; // 2 March 2026, Asia/Shanghai
const MAY_1 = '2026-04-30T16:00:00.000Z'; // 00:00 on 1 May, Asia/Shanghai: a tier-review boundary
const JULY_1 = '2026-06-30T16:00:00.000Z';
const before = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

const transaction = (s: Scenario, archiveId: string, minor: number, at: string) =>
  s.exec(
    {
      type: 'RecordTransaction',
      archiveId,
      actor: actors.rep,
      transactionId: `tx-${archiveId}-${at}`,
      number: `HT-${archiveId}-${at.slice(0, 10)}`,
      occurredAt: at,
      amount: { minor, currency: 'CNY' },
      personInCharge: '李明',
      breachOfContract: false,
    },
    at,
  );

const proposals = async (s: Scenario) =>
  (await s.findings())
    .filter((f) => f.type === 'TierChangeProposed')
    .map((f): Record<string, unknown> & { archiveId: string } => ({ ...f.data, archiveId: f.archiveId }))
    .sort((a, b) => (a.archiveId < b.archiveId ? -1 : 1));

describe.each(['sqlite', 'postgres'] as const)('reviews (DOMAIN.md §5, §3) on %s', (dialect) => {
  let s: Scenario | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const open = async (start = T0, config = defaultPolicyConfig) => {
    s = await openScenario(dialect, start, { config });
    if (!s) console.warn('PostgreSQL unreachable: skipped');
    return s;
  };

  it('§3/§5 yearly review: ReviewDue (yearly_full) on the anniversary of creation, company calendar, then a year later', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    const reviews = async () =>
      (await s.findings())
        .filter((f) => f.type === 'ReviewDue')
        .map((f) => `${String(f.data.kind)} ${String(f.data.dueOn)}`);
    await s.tickAt(before('2027-03-01T16:00:00.000Z'));
    expect(await reviews()).toEqual([]);
    await s.tickAt('2027-03-01T16:00:00.000Z');
    await s.tickAt('2027-06-01T00:00:00.000Z');
    expect(await reviews()).toEqual(['yearly_full 2027-03-02']);
    await s.tickAt('2028-03-01T16:00:00.000Z');
    expect(await reviews()).toEqual(['yearly_full 2027-03-02', 'yearly_full 2028-03-02']);
  });

  it('§5 tier review: every 2 months, ranked by trailing-12-month amount — A for the top 20%, B for the next 40%, C for the rest; proposed, never applied', async () => {
    const s = await open();
    if (!s) return;
    const ids = Array.from({ length: 10 }, (_, i) => `a${i}`);
    for (const id of ids) await s.create(id);
    s.clock.set('2026-03-10T02:00:00.000Z');
    for (const [i, id] of ids.entries())
      await transaction(s, id, (i + 1) * 1_000_000, '2026-03-10T02:00:00.000Z');
    await transaction(s, 'a0', 999_000_000, '2025-03-01T02:00:00.000Z'); // older than 12 months: not counted

    await s.tickAt(before(MAY_1));
    expect(await proposals(s)).toEqual([]);
    const report = await s.tickAt(MAY_1);
    expect(report.tierReviews).toBe(1);
    const first = await proposals(s);
    expect(first.map((p) => `${p.archiveId} ${String(p.from)}→${String(p.to)} #${String(p.rank)}`)).toEqual([
      'a0 B→C #10',
      'a1 B→C #9',
      'a2 B→C #8',
      'a3 B→C #7',
      'a8 B→A #2',
      'a9 B→A #1',
    ]);
    expect(first.every((p) => p.periodEnd === '2026-04-30' && p.rule === 'rank' && p.of === 10)).toBe(true);
    expect(first.find((p) => p.archiveId === 'a9')).toMatchObject({
      score: 10_000_000,
      proposalId: 'tier-2026-04-30-a9',
    });

    await s.tickAt(MAY_1); // the same tick again: nothing new
    await s.tickAt('2026-06-15T00:00:00.000Z'); // no boundary passed
    expect(await proposals(s)).toHaveLength(6);

    // a person decides for a9; a8 stays B, so the July review proposes it again (a new period)
    await s.exec(
      {
        type: 'ChangeTier',
        archiveId: 'a9',
        actor: actors.manager,
        to: 'A',
        reason: '二季度排名第一',
        proposalId: 'tier-2026-04-30-a9',
      },
      '2026-05-06T02:00:00.000Z',
    );
    await s.tickAt(JULY_1);
    const july = (await proposals(s)).filter((p) => p.periodEnd === '2026-06-30');
    expect(july.map((p) => `${p.archiveId} ${String(p.from)}→${String(p.to)}`)).toEqual([
      'a0 B→C',
      'a1 B→C',
      'a2 B→C',
      'a3 B→C',
      'a8 B→A',
    ]);
    const byWorker = (await allEvents(s.store.events)).filter((e) => e.metadata.actor.id === 'worker');
    expect(byWorker.filter((e) => e.type === 'TierChanged')).toEqual([]); // findings only: a person decides
  });

  it('§5 tier review: the 004 value-category rule — important (≥ ¥1,000,000 a year, 2 years) → A, stable (≥ ¥200,000) → B, general and potential → C', async () => {
    const config = {
      ...defaultPolicyConfig,
      review: { ...defaultPolicyConfig.review, rule: 'value_category' as const },
    };
    const s = await open('2024-01-15T02:00:00.000Z', config);
    if (!s) return;
    for (const id of ['important', 'stable', 'general', 'potential']) await s.create(id);
    await transaction(s, 'important', 120_000_000, '2024-06-01T02:00:00.000Z');
    await transaction(s, 'stable', 30_000_000, '2024-06-01T02:00:00.000Z');
    await transaction(s, 'important', 150_000_000, '2025-06-01T02:00:00.000Z');
    await transaction(s, 'stable', 25_000_000, '2025-06-01T02:00:00.000Z');
    await transaction(s, 'general', 5_000_000, '2025-06-01T02:00:00.000Z');
    await s.tickAt('2025-08-31T16:00:00.000Z'); // 1 September, Asia/Shanghai
    expect(
      (await proposals(s)).map(
        (p) => `${p.archiveId} ${String(p.from)}→${String(p.to)} ${String(p.category)} ${String(p.rule)}`,
      ),
    ).toEqual([
      'general B→C general value_category',
      'important B→A important value_category',
      'potential B→C potential value_category',
    ]);
  });

  it('§7/§5 destruction removes every pending deadline of the archive', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    await s.create('a2');
    await s.exec({
      type: 'RecordInformation',
      archiveId: 'a1',
      actor: actors.manager,
      receiptId: 'r1',
      channel: 'email',
      summary: '更名',
      receivedAt: T0,
    });
    await s.exec({
      type: 'RequestDestruction',
      archiveId: 'a1',
      actor: actors.keeper,
      destructionId: 'x1',
      reason: '未达成协议',
      basis: 'no_agreement',
    });
    await s.exec({
      type: 'ApproveDestruction',
      archiveId: 'a1',
      actor: anActor('department_head', 'dh-1'),
      destructionId: 'x1',
    });
    await s.exec({
      type: 'ExecuteDestruction',
      archiveId: 'a1',
      actor: anActor('customer_service', 'cs-2'),
      destructionId: 'x1',
      witnesses: [{ id: 'w1' }, { id: 'w2' }],
      method: 'crypto-shredding',
    });
    await s.tickAt('2028-01-01T00:00:00.000Z');
    const findings = await s.findings();
    expect(findings.filter((f) => f.archiveId === 'a1')).toEqual([]);
    expect(findings.filter((f) => f.archiveId === 'a2').length).toBeGreaterThan(0);
    const rows = await s.store.db
      .selectFrom(physicalTable('pending_deadlines', 1))
      .select('archive_id')
      .where('archive_id', '=', 'a1')
      .execute();
    expect(rows).toEqual([]);
  });
});
