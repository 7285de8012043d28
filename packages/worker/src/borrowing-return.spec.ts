import { defaultPolicyConfig } from '@dossier/core';
import { actors, openScenario } from './testing/scenario';
import type { Scenario } from './testing/scenario';

const LENT = '2026-03-02T02:00:00.000Z'; // 10:00 on 2 March, Asia/Shanghai
const SIX_PM = '2026-03-02T10:00:00.000Z'; // 18:00 the same day, Asia/Shanghai
const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

const lend = async (s: Scenario) => {
  await s.create('a1');
  await s.exec({
    type: 'RequestBorrow',
    archiveId: 'a1',
    actor: actors.rep,
    borrowingId: 'b1',
    purpose: '核对开票信息',
  });
  await s.exec({ type: 'ApproveBorrow', archiveId: 'a1', actor: actors.manager, borrowingId: 'b1' });
  await s.exec({ type: 'LendArchive', archiveId: 'a1', actor: actors.keeper, borrowingId: 'b1' });
};

const overdue = async (s: Scenario) => (await s.findings()).filter((f) => f.type === 'ReturnOverdue');

describe.each(['sqlite', 'postgres'] as const)('borrowing returns (DOMAIN.md §6) on %s', (dialect) => {
  let s: Scenario | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const open = async () => {
    s = await openScenario(dialect, LENT);
    if (!s) console.warn('PostgreSQL unreachable: skipped');
    return s;
  };

  it('§6 borrowing: an archive lent at 10:00 and not back is ReturnOverdue after 18:00 Asia/Shanghai the same day, once', async () => {
    const s = await open();
    if (!s) return;
    await lend(s);
    await s.tickAt(SIX_PM);
    expect(await overdue(s)).toEqual([]);
    await s.tickAt(after(SIX_PM, 1));
    await s.tickAt(after(SIX_PM, 3_600_000));
    expect(await overdue(s)).toEqual([
      expect.objectContaining({ archiveId: 'a1', data: { borrowingId: 'b1', dueAt: SIX_PM } }),
    ]);
  });

  it('§6 borrowing: an archive returned before 18:00 is never overdue', async () => {
    const s = await open();
    if (!s) return;
    await lend(s);
    await s.exec(
      {
        type: 'ReturnArchive',
        archiveId: 'a1',
        actor: actors.keeper,
        borrowingId: 'b1',
        condition: 'intact',
      },
      '2026-03-02T09:00:00.000Z',
    );
    await s.tickAt(after(SIX_PM, 1));
    await s.tickAt(after(SIX_PM, 86_400_000));
    expect(await overdue(s)).toEqual([]);
  });

  it('§6 borrowing: the due time follows the configured company time zone', async () => {
    s = await openScenario(dialect, LENT, { config: { ...defaultPolicyConfig, timeZone: 'Europe/Berlin' } });
    if (!s) return;
    await lend(s); // 03:00 in Berlin; due 18:00 Berlin = 17:00Z
    await s.tickAt('2026-03-02T17:00:00.000Z');
    expect(await overdue(s)).toEqual([]);
    await s.tickAt('2026-03-02T17:00:00.001Z');
    expect((await overdue(s)).map((f) => f.data.dueAt)).toEqual(['2026-03-02T17:00:00.000Z']);
  });
});
