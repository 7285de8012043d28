import type { ArchiveEvent } from '../events/archive-events';
import type { TestActor } from './given.spec-helpers';
import {
  T0,
  command,
  create,
  eventsOf,
  finding,
  history,
  later,
  onlyEvent,
  openArchive,
  refusal,
  staff,
  when,
} from './given.spec-helpers';

const information = (receiptId = 'r1') =>
  command('RecordInformation', { receiptId, channel: 'email', summary: '客户新增开户行', receivedAt: T0 });
const resolve = (receiptId = 'r1', at = later(0, 5)) =>
  command(
    'UpdateArchive',
    { changes: { company: { bank: '招商银行' } }, reason: '补充开户行', resolves: [receiptId] },
    staff.rep,
    at,
  );
const slaWarned = (receiptId = 'r1', by: TestActor = staff.worker) =>
  finding('UpdateSlaWarned', { receiptId, receivedAt: T0, deadline: later(1) }, by, later(1));
const slaBreached = (receiptId = 'r1') =>
  finding('UpdateSlaBreached', { receiptId, receivedAt: T0, deadline: later(2) }, staff.worker, later(2));
const contactDue = (
  dueOn: string,
  tier = 'B',
  type: 'ContactDue' | 'ContactOverdue' = 'ContactDue',
  channel = 'phone',
) => finding(type, { channel, dueOn, tier }, staff.worker, later(7));
const phoneCall = (at: string) =>
  command(
    'LogContact',
    { contactId: `c-${at}`, channel: 'phone', contactedAt: at, withWhom: '王丽华' },
    staff.rep,
    at,
  );
const lent = () =>
  history([
    create(),
    command('RequestBorrow', { borrowingId: 'b1', purpose: '核对' }, staff.rep),
    command('ApproveBorrow', { borrowingId: 'b1' }, staff.marketingManager),
    command('LendArchive', { borrowingId: 'b1' }, staff.keeper),
  ]);
const returnOverdue = () =>
  finding(
    'ReturnOverdue',
    { borrowingId: 'b1', dueAt: '2026-03-02T10:00:00.000Z' },
    staff.worker,
    later(0, 9),
  );
const proposal = (from = 'B', to = 'A') =>
  finding('TierChangeProposed', {
    proposalId: 'p-2026-04',
    from,
    to,
    rule: 'rank',
    periodEnd: '2026-04-30',
    rank: 1,
    of: 10,
  });

/** Record a finding after the given events: the events appended (none when moot or recorded already). */
const record = (c: ReturnType<typeof finding>, given: ArchiveEvent[]) => eventsOf(when(c, given));

describe('worker findings (DOMAIN.md §2, §3, §4, §6)', () => {
  it('§2 findings: only the worker (role system) records findings — anyone else is Forbidden', () => {
    for (const who of [staff.rep, staff.keeper, staff.head, staff.auditor])
      expect(refusal(when(slaWarned('r1', who), history([create(), information()])))).toEqual({
        _tag: 'Forbidden',
        code: 'finding.system-only',
      });
  });

  it('§3 findings: given an open receipt, when the worker warns, then UpdateSlaWarned and the receipt is marked warned', () => {
    const given = history([create(), information()]);
    expect(onlyEvent(when(slaWarned(), given), 'UpdateSlaWarned')).toEqual({
      receiptId: 'r1',
      receivedAt: T0,
      deadline: later(1),
    });
    expect(openArchive([...given, ...record(slaWarned(), given)]).receipts.r1).toMatchObject({
      warned: true,
      breached: false,
    });
  });

  it('§2 findings: the same finding is recorded once — the second time nothing is appended', () => {
    const once = history([create(), information(), slaWarned()]);
    expect(record(slaWarned(), once)).toEqual([]);
    const breached = history([create(), information(), slaWarned(), slaBreached()]);
    expect(record(slaBreached(), breached)).toEqual([]);
    expect(openArchive(breached).receipts.r1).toMatchObject({ warned: true, breached: true });
  });

  it('§3 findings: an SLA finding after the receipt was resolved is moot (no events)', () => {
    const resolved = history([create(), information(), resolve()]);
    expect(record(slaWarned(), resolved)).toEqual([]);
    expect(record(slaBreached(), resolved)).toEqual([]);
    // resolving one receipt leaves the other's clock running
    const two = history([create(), information('r1'), information('r2'), resolve('r1')]);
    expect(record(slaWarned('r2'), two)).toHaveLength(1);
  });

  it('§3 findings: an SLA finding about a receipt the archive does not know is moot', () => {
    expect(record(slaWarned('r9'), history([create()]))).toEqual([]);
  });

  it('§4 findings: given a B archive created on 2 March, the phone contact falls due on 9 March and is recorded once', () => {
    const given = history([create()]);
    expect(onlyEvent(when(contactDue('2026-03-09'), given), 'ContactDue')).toEqual({
      channel: 'phone',
      dueOn: '2026-03-09',
      tier: 'B',
    });
    expect(record(contactDue('2026-03-09'), history([create(), contactDue('2026-03-09')]))).toEqual([]);
    // due and overdue are two findings
    expect(
      record(contactDue('2026-03-09', 'B', 'ContactOverdue'), history([create(), contactDue('2026-03-09')])),
    ).toHaveLength(1);
    // the visit every 3 months
    expect(record(contactDue('2026-06-02', 'B', 'ContactDue', 'visit'), given)).toHaveLength(1);
  });

  it('§4 findings: a ContactDue whose date no longer matches after a new contact is moot', () => {
    const called = history([create(), phoneCall(later(3))]);
    expect(record(contactDue('2026-03-09'), called)).toEqual([]);
    expect(record(contactDue('2026-03-12'), called)).toHaveLength(1);
    expect(record(contactDue('2026-03-09', 'B', 'ContactOverdue'), called)).toEqual([]);
  });

  it('§4 findings: a ContactDue of the old tier is moot after a tier change (the cadence was replaced)', () => {
    const changed = history([
      create({ tier: 'C' }),
      command('ChangeTier', { to: 'B', reason: '交易增长' }, staff.director, later(3)),
    ]);
    expect(record(contactDue('2026-03-16', 'C'), changed)).toEqual([]);
    expect(record(contactDue('2026-03-12', 'B'), changed)).toHaveLength(1);
  });

  it('§4 findings: a ContactDue naming another tier than the archive’s is moot', () => {
    expect(record(contactDue('2026-03-09', 'A'), history([create()]))).toEqual([]);
  });

  it('§6 findings: given a lending, the worker records ReturnOverdue once', () => {
    expect(onlyEvent(when(returnOverdue(), lent()), 'ReturnOverdue')).toEqual({
      borrowingId: 'b1',
      dueAt: '2026-03-02T10:00:00.000Z',
    });
    expect(record(returnOverdue(), [...lent(), ...record(returnOverdue(), lent())])).toEqual([]);
  });

  it('§6 findings: ReturnOverdue after the return is moot', () => {
    const returned = [
      ...lent(),
      ...eventsOf(
        when(
          command('ReturnArchive', { borrowingId: 'b1', condition: 'intact' }, staff.keeper, later(0, 7)),
          lent(),
        ),
      ),
    ];
    expect(record(returnOverdue(), returned)).toEqual([]);
  });

  it('§3 findings: ReviewDue is recorded once per kind and date', () => {
    const review = (dueOn: string) => finding('ReviewDue', { kind: 'yearly_full', dueOn });
    expect(record(review('2027-03-02'), history([create()]))).toHaveLength(1);
    expect(record(review('2027-03-02'), history([create(), review('2027-03-02')]))).toEqual([]);
    expect(record(review('2028-03-02'), history([create(), review('2027-03-02')]))).toHaveLength(1);
  });

  it('§5 findings: a tier proposal is recorded once, and is moot once the tier is no longer its "from" or already its "to"', () => {
    expect(record(proposal(), history([create()]))).toHaveLength(1);
    expect(record(proposal(), history([create(), proposal()]))).toEqual([]);
    expect(record(proposal(), history([create({ tier: 'C' })]))).toEqual([]);
    expect(record(proposal('B', 'B'), history([create()]))).toEqual([]);
  });

  it('§5 findings: a proposal is never applied by itself — the tier stays until a person decides', () => {
    expect(openArchive(history([create(), proposal()])).tier).toBe('B');
  });
});
