import { findingTypes } from '../events/archive-events';
import { defaultPolicyConfig, withConfig } from '../policies/config';
import { REDACTED } from '../privacy/encryption';
import { aProfile } from '../testing/fixtures';
import type { TestActor } from './given.spec-helpers';
import {
  T0,
  command,
  create,
  eventsOf,
  everyCommandButCreate,
  finding,
  given,
  history,
  later,
  onlyEvent,
  openArchive,
  refusal,
  staff,
  when,
} from './given.spec-helpers';

const requestDestruction = (basis = 'no_agreement', at = later(1), by: TestActor = staff.keeper) =>
  command(
    'RequestDestruction',
    { destructionId: 'x1', reason: '意向客户两年无进展，无保存价值', basis },
    by,
    at,
  );
const approve = (by: TestActor = staff.head, at = later(1, 1)) =>
  command('ApproveDestruction', { destructionId: 'x1' }, by, at);
const execute = (
  witnesses: unknown[] = [
    { id: 'w-1', name: '监销人甲' },
    { id: 'w-2', name: '监销人乙' },
  ],
  at = later(1, 2),
) =>
  command(
    'ExecuteDestruction',
    { destructionId: 'x1', witnesses, method: '碎纸并删除电子档' },
    staff.keeper2,
    at,
  );
const transaction = (occurredAt: string, issuedAt = occurredAt) =>
  command(
    'RecordTransaction',
    {
      transactionId: `tx-${occurredAt}`,
      number: 'HT-2026-001',
      occurredAt,
      amount: { minor: 80_000_00, currency: 'CNY' },
      personInCharge: 'rep-1',
      breachOfContract: false,
    },
    staff.rep,
    issuedAt,
  );
const lendIt = () => [
  command('RequestBorrow', { borrowingId: 'b1', purpose: '核对' }, staff.rep, later(1)),
  command('ApproveBorrow', { borrowingId: 'b1' }, staff.marketingManager, later(1)),
  command('LendArchive', { borrowingId: 'b1' }, staff.keeper, later(1)),
];
const hold = (at = later(1)) =>
  command('PlaceHold', { holdId: 'h1', kind: 'audit', reason: '年度审计' }, staff.auditor, at);

/** The personal information of the fixture profile (DOMAIN.md §1, right column). */
const personalStrings = [
  aProfile().company.bankAccount,
  ...aProfile().people.flatMap((p) => Object.values(p).filter((v) => v !== 'main_contact')),
];

describe('销毁 destruction (DOMAIN.md §7)', () => {
  it('§7 销毁: given an archive with no agreement, when destruction is requested, approved and executed, then the three events in turn', () => {
    const requested = onlyEvent(when(requestDestruction(), history([create()])), 'DestructionRequested');
    expect(requested).toEqual({
      destructionId: 'x1',
      requestedBy: { id: 'cs-1', role: 'customer_service', name: 'customer_service cs-1' },
      reason: '意向客户两年无进展，无保存价值',
      basis: 'no_agreement',
    });
    const approved = onlyEvent(
      when(approve(), history([create(), requestDestruction()])),
      'DestructionApproved',
    );
    expect(approved).toEqual({
      destructionId: 'x1',
      approvedBy: { id: 'dh-1', role: 'department_head', name: 'department_head dh-1' },
    });
    const destroyed = onlyEvent(
      when(execute(), history([create(), requestDestruction(), approve()])),
      'ArchiveDestroyed',
    );
    expect(destroyed).toEqual({
      destructionId: 'x1',
      archiveNumber: 'KH-20260302-ARCHIVE0',
      reason: '意向客户两年无进展，无保存价值',
      basis: 'no_agreement',
      retentionRequired: false,
      secrecyLevel: 'internal',
      requestedBy: { id: 'cs-1', role: 'customer_service', name: 'customer_service cs-1' },
      approvedBy: { id: 'dh-1', role: 'department_head', name: 'department_head dh-1' },
      witnesses: [
        { id: 'w-1', name: '监销人甲' },
        { id: 'w-2', name: '监销人乙' },
      ],
      executedBy: { id: 'cs-2', department: 'marketing', name: 'customer_service cs-2' },
      destroyedAt: later(1, 2),
      method: '碎纸并删除电子档',
    });
  });

  it('§7 销毁: ArchiveDestroyed (the 销毁清册 entry) carries no personal information of the profile or the contact log', () => {
    const events = history([
      create(),
      command(
        'LogContact',
        { contactId: 'c1', channel: 'visit', contactedAt: T0, withWhom: '王丽华' },
        staff.rep,
        later(0, 1),
      ),
      requestDestruction(),
      approve(),
      execute(),
    ]);
    const destroyed = events.find((e) => e.type === 'ArchiveDestroyed');
    expect(destroyed).toBeDefined();
    const json = JSON.stringify(destroyed);
    expect(personalStrings.length).toBeGreaterThanOrEqual(6);
    for (const s of personalStrings) expect(json).not.toContain(String(s));
  });

  it('§7 销毁: the approver differs from the requester (destruction.approver-is-requester)', () => {
    const given = history([create(), requestDestruction('no_agreement', later(1), staff.head)]);
    expect(refusal(when(approve(staff.head), given))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.approver-is-requester',
    });
    expect(eventsOf(when(approve(staff.head2), given))).toHaveLength(1);
  });

  it('§7 销毁: destruction is approved by the configured approver roles (destruction.approver-role)', () => {
    const given = history([create(), requestDestruction()]);
    for (const who of [staff.rep, staff.salesManager, staff.marketingManager, staff.auditor])
      expect(refusal(when(approve(who), given))).toEqual({
        _tag: 'DomainError',
        code: 'destruction.approver-role',
      });
  });

  it('§7 销毁: approval before execution (destruction.not-approved)', () => {
    expect(refusal(when(execute(), history([create(), requestDestruction()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.not-approved',
    });
  });

  it('§7 销毁: exactly two distinct supervising witnesses (ValidationError at witnesses)', () => {
    const given = history([create(), requestDestruction(), approve()]);
    for (const witnesses of [
      [],
      [{ id: 'w-1' }],
      [{ id: 'w-1' }, { id: 'w-1' }],
      [{ id: 'w-1' }, { id: 'w-2' }, { id: 'w-3' }],
    ])
      expect(refusal(when(execute(witnesses), given))).toEqual({
        _tag: 'ValidationError',
        code: 'witnesses',
      });
  });

  it('§7 销毁: both witnesses differ from the requester (destruction.witness-is-requester)', () => {
    const given = history([create(), requestDestruction(), approve()]);
    for (const witnesses of [
      [{ id: 'cs-1' }, { id: 'w-2' }],
      [{ id: 'w-1' }, { id: 'cs-1' }],
    ])
      expect(refusal(when(execute(witnesses), given))).toEqual({
        _tag: 'DomainError',
        code: 'destruction.witness-is-requester',
      });
  });

  it('§7 销毁: one destruction pending at a time; approved once; unknown ids are refused', () => {
    expect(refusal(when(requestDestruction(), history([create(), requestDestruction()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.already-requested',
    });
    expect(refusal(when(approve(staff.head2), history([create(), requestDestruction(), approve()])))).toEqual(
      {
        _tag: 'DomainError',
        code: 'destruction.already-approved',
      },
    );
    const other = command('ApproveDestruction', { destructionId: 'x9' }, staff.head);
    expect(refusal(when(other, history([create(), requestDestruction()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.not-found',
    });
    expect(refusal(when(approve(), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.not-found',
    });
    expect(refusal(when(execute(), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.not-found',
    });
  });

  it('§7 销毁: refused while lent out (destruction.lent) — at the request and at the execution', () => {
    expect(refusal(when(requestDestruction(), history([create(), ...lendIt()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.lent',
    });
    expect(
      refusal(when(execute(), history([create(), requestDestruction(), approve(), ...lendIt()]))),
    ).toEqual({
      _tag: 'DomainError',
      code: 'destruction.lent',
    });
  });

  it('§7 销毁: refused under a hold (destruction.on-hold) — at the request and at the execution; allowed once released', () => {
    expect(refusal(when(requestDestruction(), history([create(), hold()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.on-hold',
    });
    expect(refusal(when(execute(), history([create(), requestDestruction(), approve(), hold()])))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.on-hold',
    });
    const released = history([
      create(),
      requestDestruction(),
      approve(),
      hold(),
      command('ReleaseHold', { holdId: 'h1', reason: '审计结束' }, staff.auditor, later(1, 1)),
    ]);
    expect(eventsOf(when(execute(), released))).toHaveLength(1);
  });

  it('§7 销毁: once an agreement was reached (a transaction), "no agreement" is no basis (destruction.agreement-reached)', () => {
    const given = history([create(), transaction(T0)]);
    expect(refusal(when(requestDestruction('no_agreement'), given))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.agreement-reached',
    });
    expect(refusal(when(requestDestruction('no_agreement', '2040-01-01T00:00:00.000Z'), given))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.agreement-reached',
    });
  });

  it('§7 销毁: refused while retention runs — 5 years after the last transaction, in the company calendar (destruction.retention-running)', () => {
    // the last transaction was on 2026-03-02 in Shanghai: retention runs until 2031-03-02
    const given = history([create(), transaction(T0)]);
    for (const at of [later(1), '2031-03-01T15:59:59.999Z'])
      expect(refusal(when(requestDestruction('retention_expired', at), given))).toEqual({
        _tag: 'DomainError',
        code: 'destruction.retention-running',
      });
    const requested = onlyEvent(
      when(requestDestruction('retention_expired', '2031-03-01T16:00:00.000Z'), given),
      'DestructionRequested',
    );
    expect(requested).toMatchObject({ basis: 'retention_expired', retentionUntil: '2031-03-02' });
  });

  it('§7 销毁: retention runs from the LAST transaction', () => {
    const given = history([create(), transaction(T0), transaction('2027-06-10T02:00:00.000Z')]);
    expect(refusal(when(requestDestruction('retention_expired', '2031-03-02T02:00:00.000Z'), given))).toEqual(
      {
        _tag: 'DomainError',
        code: 'destruction.retention-running',
      },
    );
    expect(
      onlyEvent(
        when(requestDestruction('retention_expired', '2032-06-10T02:00:00.000Z'), given),
        'DestructionRequested',
      ),
    ).toMatchObject({ retentionUntil: '2032-06-10' });
  });

  it('§7 销毁: a customer that was ever active (合作) counts as an agreement, and its retention runs from creation', () => {
    const given = history([
      create(),
      command(
        'UpdateArchive',
        { changes: { classification: { status: 'active' } }, reason: '签约' },
        staff.rep,
        later(0, 1),
      ),
      command(
        'UpdateArchive',
        { changes: { classification: { status: 'lost' } }, reason: '流失' },
        staff.rep,
        later(30),
      ),
    ]);
    expect(refusal(when(requestDestruction('no_agreement', later(40)), given))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.agreement-reached',
    });
    expect(refusal(when(requestDestruction('retention_expired', later(40)), given))).toEqual({
      _tag: 'DomainError',
      code: 'destruction.retention-running',
    });
    expect(
      eventsOf(when(requestDestruction('retention_expired', '2031-03-02T02:00:00.000Z'), given)),
    ).toHaveLength(1);
  });

  it('§7 销毁: the retention period is configuration (destruction.retentionYears)', () => {
    const config = withConfig({ destruction: { ...defaultPolicyConfig.destruction, retentionYears: 1 } });
    const given = history([create(), transaction(T0)]);
    expect(
      refusal(when(requestDestruction('retention_expired', '2027-03-01T02:00:00.000Z'), given, config)),
    ).toEqual({
      _tag: 'DomainError',
      code: 'destruction.retention-running',
    });
    expect(
      eventsOf(when(requestDestruction('retention_expired', '2027-03-02T02:00:00.000Z'), given, config)),
    ).toHaveLength(1);
  });

  it('§7 销毁: an agreement reached after the request (a transaction) stops the execution while retention runs', () => {
    const given = history([create(), requestDestruction(), approve(), transaction(later(1, 1), later(1, 1))]);
    expect(openArchive(given).agreementReached).toBe(true);
    const e = refusal(when(execute(), given));
    expect(e._tag).toBe('DomainError');
    expect(['destruction.agreement-reached', 'destruction.retention-running']).toContain(e.code);
  });

  it('§7 销毁: a customer that became active (合作) after the request stops the execution while retention runs', () => {
    const given = history([
      create(),
      requestDestruction(),
      approve(),
      command(
        'UpdateArchive',
        { changes: { classification: { status: 'active' } }, reason: '签约' },
        staff.rep,
        later(1, 1),
      ),
    ]);
    const e = refusal(when(execute(), given));
    expect(e._tag).toBe('DomainError');
    expect(['destruction.agreement-reached', 'destruction.retention-running']).toContain(e.code);
  });

  describe('after destruction', () => {
    const destroyed = () => history([create(), requestDestruction(), approve(), execute()]);

    it('§7 销毁: the state is destroyed and every personal field of the profile is unreadable', () => {
      const s = given(destroyed());
      expect(s.status).toBe('destroyed');
      if (s.status !== 'destroyed') return;
      expect(s.destroyedAt).toBe(later(1, 2));
      expect(s.profile.people).toEqual(REDACTED);
      expect(s.profile.company.bankAccount).toEqual(REDACTED);
      const json = JSON.stringify(s);
      for (const p of personalStrings) expect(json).not.toContain(String(p));
    });

    it.each(everyCommandButCreate.filter(([t]) => t !== 'RecordFinding'))(
      '§7 销毁: nothing but reads remain — %s is refused (archive.destroyed)',
      (type, fields) => {
        expect(refusal(when(command(type, fields, staff.keeper, later(2)), destroyed()))).toEqual({
          _tag: 'DomainError',
          code: 'archive.destroyed',
        });
      },
    );

    it('§7 销毁: the stream is not created again (archive.exists)', () => {
      expect(refusal(when(create(), destroyed()))).toEqual({ _tag: 'DomainError', code: 'archive.exists' });
    });

    it('§7 销毁: findings on a destroyed archive are moot — an empty list, not an error', () => {
      const samples: Record<(typeof findingTypes)[number], Record<string, unknown>> = {
        UpdateSlaWarned: { receiptId: 'r1', receivedAt: T0, deadline: later(1) },
        UpdateSlaBreached: { receiptId: 'r1', receivedAt: T0, deadline: later(2) },
        ContactDue: { channel: 'phone', dueOn: '2026-03-09', tier: 'B' },
        ContactOverdue: { channel: 'phone', dueOn: '2026-03-09', tier: 'B' },
        ReturnOverdue: { borrowingId: 'b1', dueAt: later(1) },
        ReviewDue: { kind: 'yearly_full', dueOn: '2027-03-02' },
        TierChangeProposed: { proposalId: 'p1', from: 'B', to: 'A', rule: 'rank', periodEnd: '2026-04-30' },
      };
      for (const type of findingTypes)
        expect(eventsOf(when(finding(type, samples[type], staff.worker, later(3)), destroyed()))).toEqual([]);
    });
  });
});
