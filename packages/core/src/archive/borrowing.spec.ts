import { defaultPolicyConfig, withConfig } from '../policies/config';
import type { TestActor } from './given.spec-helpers';
import {
  T0,
  actor,
  command,
  create,
  eventsOf,
  history,
  later,
  onlyEvent,
  openArchive,
  refusal,
  staff,
  when,
} from './given.spec-helpers';

const request = (borrowingId: string, by: TestActor = staff.rep, at = T0) =>
  command('RequestBorrow', { borrowingId, purpose: '准备季度拜访' }, by, at);
const approve = (borrowingId: string, by: TestActor = staff.marketingManager, at = later(0, 1)) =>
  command('ApproveBorrow', { borrowingId }, by, at);
const reject = (borrowingId: string, by: TestActor = staff.marketingManager, at = later(0, 1)) =>
  command('RejectBorrow', { borrowingId, reason: '用途不明确' }, by, at);
const lend = (borrowingId: string, by: TestActor = staff.keeper, at = later(0, 2), to?: string) =>
  command('LendArchive', { borrowingId, ...(to ? { to } : {}) }, by, at);
const giveBack = (borrowingId: string, by: TestActor = staff.keeper, at = later(0, 6)) =>
  command('ReturnArchive', { borrowingId, condition: 'intact' }, by, at);

const requested = (by: TestActor = staff.rep, createOverrides: Record<string, unknown> = {}) =>
  history([create(createOverrides), request('b1', by)]);
const approvedFor = (by: TestActor = staff.rep, approver: TestActor = staff.marketingManager) =>
  history([create(), request('b1', by), approve('b1', approver)]);

describe('借阅 borrowing (DOMAIN.md §6)', () => {
  it('§6 借阅: given an archive, when a borrowing is requested, then BorrowRequested names the requester and the purpose', () => {
    expect(onlyEvent(when(request('b1'), history([create()])), 'BorrowRequested')).toEqual({
      borrowingId: 'b1',
      requester: staff.rep,
      purpose: '准备季度拜访',
      requestedAt: T0,
    });
  });

  it('§6 借阅: a borrowing id is requested once (borrowing.duplicate)', () => {
    expect(refusal(when(request('b1'), requested()))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.duplicate',
    });
  });

  it('§6 借阅: given a request, when a fitting approver approves, then BorrowApproved names the approver', () => {
    expect(onlyEvent(when(approve('b1'), requested()), 'BorrowApproved')).toEqual({
      borrowingId: 'b1',
      approver: { id: 'mm-1', role: 'marketing_manager', name: 'marketing_manager mm-1' },
    });
  });

  it('§6 借阅: the approver is never the requester, whatever role the requester approves in', () => {
    const person = actor('sales_rep', 'p-1');
    const sameAsDirector = actor('marketing_director', 'p-1');
    expect(refusal(when(approve('b1', sameAsDirector), requested(person)))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.approver-is-requester',
    });
    expect(eventsOf(when(approve('b1', staff.director), requested(person)))).toHaveLength(1);
  });

  it('§6 借阅: the approver is never the requester, even where the requester’s role may approve its own kind', () => {
    const config = withConfig({
      borrowing: {
        ...defaultPolicyConfig.borrowing,
        approvers: { ...defaultPolicyConfig.borrowing.approvers, customer_service: ['customer_service'] },
      },
    });
    const given = requested(staff.keeper);
    expect(refusal(when(approve('b1', staff.keeper), given, config))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.approver-is-requester',
    });
    expect(eventsOf(when(approve('b1', staff.keeper2), given, config))).toHaveLength(1);
  });

  it('§6 借阅: the approver is never the requester — not for a rejection either', () => {
    const person = actor('sales_rep', 'p-1');
    expect(refusal(when(reject('b1', actor('department_head', 'p-1')), requested(person)))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.approver-is-requester',
    });
  });

  it("§6 借阅: the rejecter's role must fit as the approver's would (borrowing.approver-role)", () => {
    expect(refusal(when(reject('b1', staff.keeper), requested(staff.outsider)))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.approver-role',
    });
    expect(
      eventsOf(when(reject('b1', staff.director), requested(staff.outsider))).map((e) => e.type),
    ).toEqual(['BorrowRejected']);
  });

  it("§6 借阅: other departments' borrowings need the marketing director's approval (borrowing.approver-role)", () => {
    const given = requested(staff.outsider);
    for (const other of [staff.keeper, staff.head, staff.marketingManager, staff.salesManager])
      expect(refusal(when(approve('b1', other), given))).toEqual({
        _tag: 'DomainError',
        code: 'borrowing.approver-role',
      });
    expect(onlyEvent(when(approve('b1', staff.director), given), 'BorrowApproved').approver.role).toBe(
      'marketing_director',
    );
  });

  it.each([
    ['sales_rep', 'sales_manager'],
    ['sales_rep', 'sales_rep'],
    ['marketing_manager', 'marketing_manager'],
    ['marketing_director', 'marketing_manager'],
    ['customer_service', 'sales_manager'],
  ] as const)(
    '§6 借阅: a borrowing by a %s is not approved by a %s (borrowing.approver-role)',
    (requester, approver) => {
      expect(
        refusal(when(approve('b1', actor(approver, 'x-2')), requested(actor(requester, 'x-1')))),
      ).toEqual({
        _tag: 'DomainError',
        code: 'borrowing.approver-role',
      });
    },
  );

  it('§6 借阅: who fits as approver is configuration (config.borrowing.approvers)', () => {
    const config = withConfig({
      borrowing: {
        ...defaultPolicyConfig.borrowing,
        approvers: { ...defaultPolicyConfig.borrowing.approvers, sales_rep: ['customer_service'] },
      },
    });
    expect(refusal(when(approve('b1', staff.marketingManager), requested(), config))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.approver-role',
    });
    expect(eventsOf(when(approve('b1', staff.keeper), requested(), config))).toHaveLength(1);
  });

  it('§6 借阅: given a request, when it is rejected, then BorrowRejected with the reason; it can be lent no more', () => {
    expect(onlyEvent(when(reject('b1'), requested()), 'BorrowRejected')).toEqual({
      borrowingId: 'b1',
      rejectedBy: { id: 'mm-1', role: 'marketing_manager', name: 'marketing_manager mm-1' },
      reason: '用途不明确',
    });
    expect(refusal(when(lend('b1'), history([create(), request('b1'), reject('b1')])))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.not-approved',
    });
  });

  it('§6 借阅: only a requested borrowing is rejected or approved (borrowing.not-requested)', () => {
    expect(refusal(when(reject('b1', staff.director), approvedFor()))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.not-requested',
    });
    expect(refusal(when(approve('b1', staff.director), approvedFor()))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.not-requested',
    });
  });

  it('§6 借阅: approving, rejecting, lending or returning an unknown borrowing is refused (borrowing.not-found)', () => {
    for (const c of [approve('b9'), reject('b9'), lend('b9'), giveBack('b9')])
      expect(refusal(when(c, history([create()])))).toEqual({
        _tag: 'DomainError',
        code: 'borrowing.not-found',
      });
  });

  it('§6 借阅: lend only after approval (borrowing.not-approved)', () => {
    expect(refusal(when(lend('b1'), requested()))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.not-approved',
    });
  });

  it('§6 借阅: given an approval, when customer service lends, then ArchiveLent with the due time', () => {
    expect(onlyEvent(when(lend('b1'), approvedFor()), 'ArchiveLent')).toEqual({
      borrowingId: 'b1',
      lentAt: later(0, 2),
      dueAt: '2026-03-02T10:00:00.000Z',
      lentBy: { id: 'cs-1', department: 'marketing', name: 'customer_service cs-1' },
      destination: 'may_leave_office',
    });
  });

  it('§6 借阅: the lender must be customer service, the archive keeper (borrowing.lender-not-keeper)', () => {
    for (const who of [staff.director, staff.head, staff.rep])
      expect(refusal(when(lend('b1', who), approvedFor()))).toEqual({
        _tag: 'DomainError',
        code: 'borrowing.lender-not-keeper',
      });
  });

  it('§6 借阅: no lending on to a third party (borrowing.third-party); lending to the requester is fine', () => {
    expect(refusal(when(lend('b1', staff.keeper, later(0, 2), 'rep-2'), approvedFor()))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.third-party',
    });
    expect(eventsOf(when(lend('b1', staff.keeper, later(0, 2), 'rep-1'), approvedFor()))).toHaveLength(1);
  });

  it('§6 借阅: only one lending at a time (borrowing.already-lent); after the return the next one may go out', () => {
    const twoApproved = history([
      create(),
      request('b1'),
      request('b2', staff.rep2),
      approve('b1'),
      approve('b2'),
      lend('b1'),
    ]);
    expect(refusal(when(lend('b2', staff.keeper, later(0, 3)), twoApproved))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.already-lent',
    });
    const returned = history([
      create(),
      request('b1'),
      request('b2', staff.rep2),
      approve('b1'),
      approve('b2'),
      lend('b1'),
      giveBack('b1', staff.keeper, later(0, 3)),
    ]);
    expect(eventsOf(when(lend('b2', staff.keeper, later(0, 4)), returned))).toHaveLength(1);
  });

  it('§6 借阅: given a lending, when customer service receives it back, then ArchiveReturned with its condition', () => {
    const lent = history([create(), request('b1'), approve('b1'), lend('b1')]);
    expect(onlyEvent(when(giveBack('b1'), lent), 'ArchiveReturned')).toEqual({
      borrowingId: 'b1',
      returnedAt: later(0, 6),
      receivedBy: { id: 'cs-1', department: 'marketing', name: 'customer_service cs-1' },
      condition: 'intact',
    });
    expect(openArchive([...lent, ...eventsOf(when(giveBack('b1'), lent))]).borrowings.b1!.status).toBe(
      'returned',
    );
  });

  it('§6 借阅: return only when lent (borrowing.not-lent) — neither before lending nor twice', () => {
    expect(refusal(when(giveBack('b1'), approvedFor()))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.not-lent',
    });
    const returned = history([create(), request('b1'), approve('b1'), lend('b1'), giveBack('b1')]);
    expect(refusal(when(giveBack('b1', staff.keeper, later(0, 7)), returned))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.not-lent',
    });
  });

  it('§6 借阅: returns are received by customer service (borrowing.receiver-not-keeper)', () => {
    const lent = history([create(), request('b1'), approve('b1'), lend('b1')]);
    expect(refusal(when(giveBack('b1', staff.rep), lent))).toEqual({
      _tag: 'DomainError',
      code: 'borrowing.receiver-not-keeper',
    });
  });

  it('§6 借阅: the due time is 18:00 Asia/Shanghai on the day lent, in the company calendar', () => {
    // 2026-03-02T17:00Z is already 01:00 on 3 March in Shanghai: due 18:00 on 3 March
    const lentLate = onlyEvent(
      when(lend('b1', staff.keeper, '2026-03-02T17:00:00.000Z'), approvedFor()),
      'ArchiveLent',
    );
    expect(lentLate.dueAt).toBe('2026-03-03T10:00:00.000Z');
    const lentMorning = onlyEvent(
      when(lend('b1', staff.keeper, '2026-03-02T01:00:00.000Z'), approvedFor()),
      'ArchiveLent',
    );
    expect(lentMorning.dueAt).toBe('2026-03-02T10:00:00.000Z');
  });

  it('§6 借阅: a sales manager’s borrowing comes back the same day and stays in the office', () => {
    const config = withConfig({ borrowing: { ...defaultPolicyConfig.borrowing, ordinaryLoanDays: 3 } });
    const lent = onlyEvent(
      when(lend('b1'), history([create(), request('b1', staff.salesManager), approve('b1')]), config),
      'ArchiveLent',
    );
    expect(lent).toMatchObject({ dueAt: '2026-03-02T10:00:00.000Z', destination: 'in_office' });
  });

  it('§6 借阅: important material (A-tier or secret) comes back the same day even where ordinary loans last longer', () => {
    const config = withConfig({ borrowing: { ...defaultPolicyConfig.borrowing, ordinaryLoanDays: 3 } });
    const ordinary = onlyEvent(when(lend('b1'), approvedFor(), config), 'ArchiveLent');
    expect(ordinary).toMatchObject({ dueAt: '2026-03-05T10:00:00.000Z', destination: 'may_leave_office' });
    for (const overrides of [{ tier: 'A' }, { secrecyLevel: 'secret' }]) {
      const given = history([create(overrides), request('b1'), approve('b1')]);
      expect(onlyEvent(when(lend('b1'), given, config), 'ArchiveLent').dueAt).toBe(
        '2026-03-02T10:00:00.000Z',
      );
    }
  });

  it('§6 借阅: material that became secret after creation comes back the same day', () => {
    const config = withConfig({ borrowing: { ...defaultPolicyConfig.borrowing, ordinaryLoanDays: 3 } });
    const given = history([
      create(),
      command('ChangeSecrecyLevel', { to: 'secret', reason: '涉及投标底价' }, staff.keeper),
      request('b1'),
      approve('b1', staff.director),
    ]);
    expect(onlyEvent(when(lend('b1'), given, config), 'ArchiveLent').dueAt).toBe('2026-03-02T10:00:00.000Z');
  });
});
