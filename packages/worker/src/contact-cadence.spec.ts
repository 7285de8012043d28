import type { Tier } from '@dossier/core';
import { aLogContact } from '@dossier/core/testing';
import { actors, openScenario } from './testing/scenario';
import type { Scenario } from './testing/scenario';

const T0 = '2026-03-02T02:00:00.000Z'; // 10:00 on 2 March, Asia/Shanghai
/** 00:00 of a Shanghai calendar day, as an instant. */
const dayStarts = (date: string) => new Date(Date.parse(`${date}T00:00:00.000+08:00`)).toISOString();
const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

const contactFindings = async (s: Scenario) =>
  (await s.findings())
    .filter((f) => f.type === 'ContactDue' || f.type === 'ContactOverdue')
    .map((f) => `${f.type} ${String(f.data.channel)} ${String(f.data.dueOn)} ${String(f.data.tier)}`);

describe.each(['sqlite', 'postgres'] as const)('contact cadence (DOMAIN.md §4) on %s', (dialect) => {
  let s: Scenario | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const open = async () => {
    s = await openScenario(dialect, T0);
    if (!s) console.warn('PostgreSQL unreachable: skipped');
    return s;
  };

  it.each([
    ['A', '2026-03-09', '2026-05-02'],
    ['B', '2026-03-09', '2026-06-02'],
    ['C', '2026-03-16', '2026-07-02'],
  ] as [Tier, string, string][])(
    '§4 contact cadence: a tier %s archive created 2 March — phone due %s, visit due %s, each due on its day and overdue after it',
    async (tier, phone, visit) => {
      const s = await open();
      if (!s) return;
      await s.create('a1', { tier });
      await s.tickAt(justBefore(dayStarts(phone)));
      expect(await contactFindings(s)).toEqual([]);
      await s.tickAt(dayStarts(phone));
      expect(await contactFindings(s)).toEqual([`ContactDue phone ${phone} ${tier}`]);
      await s.tickAt(justBefore(dayStarts(visit)));
      expect(await contactFindings(s)).toEqual([
        `ContactDue phone ${phone} ${tier}`,
        `ContactOverdue phone ${phone} ${tier}`,
      ]);
      await s.tickAt(dayStarts(visit));
      const next = new Date(Date.parse(dayStarts(visit)) + 86_400_000).toISOString();
      await s.tickAt(next);
      await s.tickAt(new Date(Date.parse(next) + 30 * 86_400_000).toISOString());
      expect(await contactFindings(s)).toEqual([
        `ContactDue phone ${phone} ${tier}`,
        `ContactOverdue phone ${phone} ${tier}`,
        `ContactDue visit ${visit} ${tier}`,
        `ContactOverdue visit ${visit} ${tier}`,
      ]);
    },
  );

  it('§4 contact cadence: a worker that ticks only after the due day records the contact overdue, not due', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    const report = await s.tickAt(dayStarts('2026-03-12'));
    expect(await contactFindings(s)).toEqual(['ContactOverdue phone 2026-03-09 B']);
    expect(report.superseded).toBe(1);
  });

  it('§4 contact cadence: a contact logged makes the pending due moot, and the next one runs from the contact', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    await s.tickAt(dayStarts('2026-03-09'));
    expect(await contactFindings(s)).toEqual(['ContactDue phone 2026-03-09 B']);
    await s.exec(
      aLogContact('a1', '2026-03-09T03:00:00.000Z', { actor: actors.rep }),
      '2026-03-09T03:30:00.000Z',
    );
    await s.tickAt(dayStarts('2026-03-10'));
    await s.tickAt(justBefore(dayStarts('2026-03-16')));
    expect(await contactFindings(s)).toEqual(['ContactDue phone 2026-03-09 B']); // never overdue
    await s.tickAt(dayStarts('2026-03-16'));
    expect(await contactFindings(s)).toEqual([
      'ContactDue phone 2026-03-09 B',
      'ContactDue phone 2026-03-16 B',
    ]);
  });

  it('§4 contact cadence: a visit logged before its date moves the visit, and leaves the phone cadence alone', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1');
    await s.exec(
      aLogContact('a1', '2026-04-20T06:00:00.000Z', { channel: 'visit', actor: actors.rep }),
      '2026-04-20T07:00:00.000Z',
    );
    await s.tickAt(dayStarts('2026-06-03'));
    const visits = (await contactFindings(s)).filter((f) => f.includes('visit'));
    expect(visits).toEqual([]);
    await s.tickAt(dayStarts('2026-07-20'));
    expect((await contactFindings(s)).filter((f) => f.includes('visit'))).toEqual([
      'ContactDue visit 2026-07-20 B',
    ]);
    expect((await contactFindings(s)).filter((f) => f.includes('phone'))).toEqual([
      'ContactOverdue phone 2026-03-09 B',
    ]);
  });

  it('§4 contact cadence: a tier change reschedules at once — from C (fortnightly, 4-monthly) to A (weekly, 2-monthly)', async () => {
    const s = await open();
    if (!s) return;
    await s.create('a1', { tier: 'C' });
    await s.exec(
      { type: 'ChangeTier', archiveId: 'a1', actor: actors.manager, to: 'A', reason: '前 20%' },
      '2026-03-05T02:00:00.000Z',
    );
    await s.tickAt(dayStarts('2026-03-12'));
    expect(await contactFindings(s)).toEqual(['ContactDue phone 2026-03-12 A']);
    await s.tickAt(dayStarts('2026-03-16')); // the C-tier phone date passes unremarked
    await s.tickAt(dayStarts('2026-05-05'));
    await s.tickAt(dayStarts('2026-07-03'));
    expect(await contactFindings(s)).toEqual([
      'ContactDue phone 2026-03-12 A',
      'ContactOverdue phone 2026-03-12 A',
      'ContactDue visit 2026-05-05 A',
      'ContactOverdue visit 2026-05-05 A',
    ]);
  });
});
