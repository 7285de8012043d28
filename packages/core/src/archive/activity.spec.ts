import { aProfile } from '../testing/fixtures';
import {
  T0,
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

const information = (receiptId: string, receivedAt: string, issuedAt: string = T0) =>
  command(
    'RecordInformation',
    { receiptId, channel: 'phone', summary: '客户更换了地址', receivedAt },
    staff.rep,
    issuedAt,
  );

const update = (changes: Record<string, unknown>, resolves?: string[], issuedAt = later(0, 1)) =>
  command(
    'UpdateArchive',
    { changes, reason: '客户来电告知新地址', ...(resolves ? { resolves } : {}) },
    staff.rep,
    issuedAt,
  );

const contact = (contactId: string, channel: string, contactedAt: string, issuedAt = later(30)) =>
  command('LogContact', { contactId, channel, contactedAt, withWhom: '王丽华' }, staff.rep, issuedAt);

const transaction = (minor: number, occurredAt: string = T0, issuedAt: string = T0) =>
  command(
    'RecordTransaction',
    {
      transactionId: `tx-${minor}`,
      number: `HT-${minor}`,
      occurredAt,
      amount: { minor, currency: 'CNY' },
      personInCharge: 'rep-1',
      breachOfContract: false,
    },
    staff.rep,
    issuedAt,
  );

const NEW_ADDRESS = '上海市闵行区虹梅路 1 号';

describe('获取信息 new information (DOMAIN.md §2, §3)', () => {
  it('§2/§3 information: given an archive, when information is recorded, then InformationReceived opens an update clock at receivedAt', () => {
    const received = onlyEvent(
      when(information('r1', later(-1)), history([create()])),
      'InformationReceived',
    );
    expect(received).toEqual({
      receiptId: 'r1',
      channel: 'phone',
      summary: '客户更换了地址',
      receivedAt: later(-1),
      receivedBy: { id: 'rep-1', department: 'marketing', name: 'sales_rep rep-1' },
    });
    const s = openArchive([...history([create()]), { type: 'InformationReceived', data: received } as never]);
    expect(s.receipts.r1).toEqual({ receivedAt: later(-1), warned: false, breached: false });
  });

  it('§2/§3 information: receivedAt may lie in the past (two days ago is accepted)', () => {
    expect(eventsOf(when(information('r1', later(-2)), history([create()])))).toHaveLength(1);
  });

  it('§2/§3 information: receivedAt may equal the moment the command is issued', () => {
    expect(eventsOf(when(information('r1', T0), history([create()])))).toHaveLength(1);
  });

  it('§2/§3 information: receivedAt may not lie in the future (ValidationError at receivedAt)', () => {
    expect(refusal(when(information('r1', later(0, 0, 1)), history([create()])))).toEqual({
      _tag: 'ValidationError',
      code: 'receivedAt',
    });
  });

  it('§2/§3 information: the same instant written without milliseconds is not "in the future"', () => {
    // the clock stamps issuedAt with milliseconds; a caller may well send receivedAt without them
    expect(
      eventsOf(
        when(information('r1', '2026-03-02T02:00:00Z', '2026-03-02T02:00:00.000Z'), history([create()])),
      ),
    ).toHaveLength(1);
    expect(
      eventsOf(
        when(information('r2', '2026-03-02T02:00:00Z', '2026-03-02T02:00:00.400Z'), history([create()])),
      ),
    ).toHaveLength(1);
  });

  it('§2/§3 information: a receipt recorded twice is refused (information.duplicate)', () => {
    const given = history([create(), information('r1', later(-1))]);
    expect(refusal(when(information('r1', later(-1)), given))).toEqual({
      _tag: 'DomainError',
      code: 'information.duplicate',
    });
  });
});

describe('更新 update (DOMAIN.md §2, §3)', () => {
  it('§2 更新: given an archive, when a field changes, then ArchiveUpdated carries the field-level before and after', () => {
    const updated = onlyEvent(
      when(update({ company: { address: NEW_ADDRESS } }), history([create()])),
      'ArchiveUpdated',
    );
    expect(updated.changes).toEqual([
      { field: 'company.address', before: aProfile().company.address, after: NEW_ADDRESS },
    ]);
  });

  it('§2 更新: a field set for the first time has before null; several changes are listed field by field', () => {
    const updated = onlyEvent(
      when(
        update({
          company: { fax: '021-5080 9999', address: NEW_ADDRESS },
          classification: { status: 'active' },
          business: { notes: '年度框架协议' },
        }),
        history([create()]),
      ),
      'ArchiveUpdated',
    );
    expect(updated.changes).toEqual([
      { field: 'company.address', before: aProfile().company.address, after: NEW_ADDRESS },
      { field: 'company.fax', before: null, after: '021-5080 9999' },
      { field: 'classification.status', before: 'intended', after: 'active' },
      { field: 'business.notes', before: null, after: '年度框架协议' },
    ]);
  });

  it('§2 更新: a change of the people is one change of the whole list, before and after', () => {
    const people = [{ role: 'principal', name: '张伟' }];
    const updated = onlyEvent(when(update({ people }), history([create()])), 'ArchiveUpdated');
    expect(updated.changes).toEqual([{ field: 'people', before: aProfile().people, after: people }]);
  });

  it('§2 更新: the change is folded into the profile', () => {
    const s = openArchive(
      history([
        create(),
        update({ company: { address: NEW_ADDRESS }, people: [{ role: 'principal', name: '张伟' }] }),
      ]),
    );
    expect(s.profile.company.address).toBe(NEW_ADDRESS);
    expect(s.profile.people).toEqual([{ role: 'principal', name: '张伟' }]);
  });

  it('§2 更新: every change is attributable — who, when and why are on the event', () => {
    const updated = onlyEvent(
      when(update({ company: { address: NEW_ADDRESS } }), history([create()])),
      'ArchiveUpdated',
    );
    expect(updated).toMatchObject({
      reason: '客户来电告知新地址',
      updatedBy: { id: 'rep-1', department: 'marketing' },
      at: later(0, 1),
      resolves: [],
    });
  });

  it('§2 更新: a change that changes nothing is rejected (update.no-change)', () => {
    const given = history([create()]);
    expect(refusal(when(update({ company: { address: aProfile().company.address } }), given))).toEqual({
      _tag: 'DomainError',
      code: 'update.no-change',
    });
    expect(refusal(when(update({}), given))).toEqual({ _tag: 'DomainError', code: 'update.no-change' });
    expect(refusal(when(update({ people: aProfile().people }), given))).toEqual({
      _tag: 'DomainError',
      code: 'update.no-change',
    });
  });

  it('§2 更新: resolving a receipt does not make an empty change acceptable (update.no-change)', () => {
    const given = history([create(), information('r1', later(-1))]);
    expect(refusal(when(update({ classification: { status: 'intended' } }, ['r1']), given))).toEqual({
      _tag: 'DomainError',
      code: 'update.no-change',
    });
  });

  it('§2/§3 更新: an update resolves the open receipts it names and stops their clocks', () => {
    const given = history([create(), information('r1', later(-1)), information('r2', later(-1, 1))]);
    const updated = onlyEvent(
      when(update({ company: { address: NEW_ADDRESS } }, ['r1']), given),
      'ArchiveUpdated',
    );
    expect(updated.resolves).toEqual(['r1']);
    const s = openArchive([...given, { type: 'ArchiveUpdated', data: updated } as never]);
    expect(s.receipts.r1!.resolvedAt).toBe(later(0, 1));
    expect(s.receipts.r2!.resolvedAt).toBeUndefined();
  });

  it('§2/§3 更新: an update resolves only known receipts (update.unknown-receipt)', () => {
    expect(refusal(when(update({ company: { address: NEW_ADDRESS } }, ['r9']), history([create()])))).toEqual(
      {
        _tag: 'DomainError',
        code: 'update.unknown-receipt',
      },
    );
  });

  it('§2/§3 更新: an update resolves only unresolved receipts (update.receipt-resolved)', () => {
    const given = history([
      create(),
      information('r1', later(-1)),
      update({ company: { address: NEW_ADDRESS } }, ['r1']),
    ]);
    expect(refusal(when(update({ company: { fax: '1' } }, ['r1'], later(0, 2)), given))).toEqual({
      _tag: 'DomainError',
      code: 'update.receipt-resolved',
    });
  });

  it('§2 更新: destroyed markers cannot be written (ValidationError at changes)', () => {
    expect(
      refusal(when(update({ company: { bankAccount: { $redacted: 'destroyed' } } }), history([create()]))),
    ).toEqual({
      _tag: 'ValidationError',
      code: 'changes',
    });
  });

  it('§2 更新 / §7: setting the status to active (合作) marks an agreement reached', () => {
    expect(openArchive(history([create()])).agreementReached).toBe(false);
    expect(
      openArchive(history([create(), update({ classification: { status: 'active' } })])).agreementReached,
    ).toBe(true);
    expect(
      openArchive(
        history([
          create(),
          update({ classification: { status: 'active' } }),
          update({ classification: { status: 'paused' } }, [], later(0, 2)),
        ]),
      ).agreementReached,
    ).toBe(true);
  });
});

describe('contact (DOMAIN.md §2, §4)', () => {
  it('§2 contact: given an archive, when a contact is logged, then ContactLogged says with whom, by whom and when', () => {
    expect(
      onlyEvent(when(contact('c1', 'visit', later(1), later(1, 1)), history([create()])), 'ContactLogged'),
    ).toEqual({
      contactId: 'c1',
      channel: 'visit',
      at: later(1),
      withWhom: '王丽华',
      by: { id: 'rep-1', department: 'marketing', name: 'sales_rep rep-1' },
      byRole: 'sales_rep',
    });
  });

  it('§2 contact: a contact may not lie in the future (ValidationError at contactedAt)', () => {
    expect(refusal(when(contact('c1', 'phone', later(2), later(1)), history([create()])))).toEqual({
      _tag: 'ValidationError',
      code: 'contactedAt',
    });
  });

  it('§2 contact: the same instant written without milliseconds is not "in the future"', () => {
    expect(
      eventsOf(
        when(contact('c1', 'phone', '2026-03-02T02:00:00Z', '2026-03-02T02:00:00.400Z'), history([create()])),
      ),
    ).toHaveLength(1);
  });

  it('§4 contact: the last contact per channel feeds the cadence; an older contact logged late does not move it back', () => {
    const s = openArchive(
      history([
        create(),
        contact('c1', 'phone', later(5)),
        contact('c2', 'phone', later(3)),
        contact('c3', 'visit', later(4)),
      ]),
    );
    expect(s.lastContact).toEqual({ phone: later(5), visit: later(4) });
  });

  it('§4 contact: a contact on another channel does not feed the phone or visit cadence', () => {
    expect(openArchive(history([create(), contact('c1', 'other', later(5))])).lastContact).toEqual({});
  });
});

describe('transaction (DOMAIN.md §2, §5)', () => {
  it('§2 transaction: given an archive, when a transaction is recorded, then TransactionRecorded with its amount in minor units', () => {
    expect(
      onlyEvent(when(transaction(12_345_00, later(-3)), history([create()])), 'TransactionRecorded'),
    ).toEqual({
      transactionId: 'tx-1234500',
      number: 'HT-1234500',
      at: later(-3),
      amount: { minor: 12_345_00, currency: 'CNY' },
      personInCharge: 'rep-1',
      breachOfContract: false,
    });
  });

  it('§2 transaction: the amount may be zero but not negative (ValidationError at amount.minor)', () => {
    expect(eventsOf(when(transaction(0), history([create()])))).toHaveLength(1);
    expect(refusal(when(transaction(-1), history([create()])))).toEqual({
      _tag: 'ValidationError',
      code: 'amount.minor',
    });
  });

  it('§2 transaction: a transaction may not lie in the future (ValidationError at occurredAt)', () => {
    expect(refusal(when(transaction(100, later(1), T0), history([create()])))).toEqual({
      _tag: 'ValidationError',
      code: 'occurredAt',
    });
  });

  it('§2 transaction: the same instant written without milliseconds is not "in the future"', () => {
    expect(
      eventsOf(
        when(transaction(100, '2026-03-02T02:00:00Z', '2026-03-02T02:00:00.400Z'), history([create()])),
      ),
    ).toHaveLength(1);
  });

  it('§5/§7 transaction: a transaction feeds the tier review and marks an agreement reached', () => {
    const s = openArchive(history([create(), transaction(500, later(-1))]));
    expect(s.transactions).toEqual([{ at: later(-1), minor: 500, currency: 'CNY' }]);
    expect(s.agreementReached).toBe(true);
  });
});
