import { command, create, history, onlyEvent, openArchive, refusal, staff, when } from './given.spec-helpers';

const signOff = {
  head: { id: 'dh-1', role: 'department_head', name: '部门负责人' },
  keeper: { id: 'cs-1', role: 'customer_service', name: '客服' },
  director: { id: 'md-1', role: 'marketing_director' },
};
const handover = (to: Record<string, unknown>, signedOffBy: unknown[]) =>
  command('ChangeCustodian', { to, reason: '李明离职', signedOffBy }, staff.head);
const changeSecrecy = (to: string, by = staff.keeper) =>
  command('ChangeSecrecyLevel', { to, reason: '涉及投标底价' }, by);

describe('移交 handover (DOMAIN.md §2, 004 §5.2.5)', () => {
  const newCustodian = { id: 'rep-2', name: '赵强', department: 'marketing' };

  it('§2 移交: given an archive, when it is handed over with both sign-offs, then CustodianChanged from the old to the new custodian', () => {
    const changed = onlyEvent(
      when(handover(newCustodian, [signOff.head, signOff.keeper]), history([create()])),
      'CustodianChanged',
    );
    expect(changed).toEqual({
      from: { id: 'rep-1', name: '李明', department: 'marketing' },
      to: newCustodian,
      reason: '李明离职',
      signedOffBy: [signOff.head, signOff.keeper],
    });
    expect(
      openArchive([...history([create()]), { type: 'CustodianChanged', data: changed } as never]).custodian,
    ).toEqual(newCustodian);
  });

  it.each([
    ['no sign-off', []],
    ['only the department head', [signOff.head]],
    ['only customer service', [signOff.keeper]],
    ['the department head and a director', [signOff.head, signOff.director]],
  ])(
    '§2 移交: the sign-offs of the department head AND customer service are needed — %s is refused (handover.sign-off-missing)',
    (_what, signedOffBy) => {
      expect(refusal(when(handover(newCustodian, signedOffBy), history([create()])))).toEqual({
        _tag: 'DomainError',
        code: 'handover.sign-off-missing',
      });
    },
  );

  it('§2 移交: the two sign-offs come from two different people (handover.same-signer)', () => {
    const bothHats = [signOff.head, { ...signOff.keeper, id: signOff.head.id }];
    expect(refusal(when(handover(newCustodian, bothHats), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'handover.same-signer',
    });
  });

  it('§2 移交: the archive goes to someone other than its custodian (handover.same-custodian)', () => {
    expect(
      refusal(when(handover({ id: 'rep-1' }, [signOff.head, signOff.keeper]), history([create()]))),
    ).toEqual({
      _tag: 'DomainError',
      code: 'handover.same-custodian',
    });
  });
});

describe('密级 secrecy level (DOMAIN.md §2, 004 §5.1.5)', () => {
  it('§2 密级: given an internal archive, when customer service makes it secret, then SecrecyLevelChanged from internal to secret', () => {
    expect(onlyEvent(when(changeSecrecy('secret'), history([create()])), 'SecrecyLevelChanged')).toEqual({
      from: 'internal',
      to: 'secret',
      reason: '涉及投标底价',
    });
    expect(openArchive(history([create(), changeSecrecy('confidential')])).secrecyLevel).toBe('confidential');
  });

  it.each([
    ['sales_rep', staff.rep],
    ['marketing_director', staff.director],
    ['department_head', staff.head],
    ['auditor', staff.auditor],
  ])(
    '§2 密级: set by customer service only — a %s is Forbidden (secrecy.customer-service-only)',
    (_role, who) => {
      expect(refusal(when(changeSecrecy('secret', who), history([create()])))).toEqual({
        _tag: 'Forbidden',
        code: 'secrecy.customer-service-only',
      });
    },
  );

  it('§2 密级: from must differ from to (secrecy.unchanged)', () => {
    expect(
      refusal(when(changeSecrecy('confidential'), history([create({ secrecyLevel: 'confidential' })]))),
    ).toEqual({
      _tag: 'DomainError',
      code: 'secrecy.unchanged',
    });
  });
});
