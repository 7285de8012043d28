import type { TestActor } from './given.spec-helpers';
import {
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

const requestDisclosure = (by: TestActor = staff.rep) =>
  command(
    'RequestDisclosure',
    { disclosureId: 'd1', recipient: '中国工商银行上海分行', purpose: '授信审查' },
    by,
  );
const approve = (by: TestActor, at = later(0, 1)) =>
  command('ApproveDisclosure', { disclosureId: 'd1' }, by, at);
const disclose = (by: TestActor = staff.keeper, at = later(0, 3)) =>
  command('DiscloseArchive', { disclosureId: 'd1' }, by, at);

describe('对外提供 external disclosure (DOMAIN.md §2, 004 §5.2.4)', () => {
  it('§2 对外提供: given an archive, when a disclosure is requested, then DisclosureRequested names requester, recipient and purpose', () => {
    expect(onlyEvent(when(requestDisclosure(), history([create()])), 'DisclosureRequested')).toEqual({
      disclosureId: 'd1',
      requestedBy: { id: 'rep-1', role: 'sales_rep', name: 'sales_rep rep-1' },
      recipient: '中国工商银行上海分行',
      purpose: '授信审查',
    });
  });

  it('§2 对外提供: a disclosure id is requested once (disclosure.duplicate)', () => {
    expect(refusal(when(requestDisclosure(), history([create(), requestDisclosure()])))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.duplicate',
    });
  });

  it('§2 对外提供: needs BOTH the department head and the marketing director — one approval is not enough', () => {
    for (const first of [staff.head, staff.director]) {
      const given = history([create(), requestDisclosure(), approve(first)]);
      expect(refusal(when(disclose(), given))).toEqual({
        _tag: 'DomainError',
        code: 'disclosure.needs-both-approvals',
      });
    }
    expect(refusal(when(disclose(), history([create(), requestDisclosure()])))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.needs-both-approvals',
    });
  });

  it('§2 对外提供: given both approvals, when disclosed, then ArchiveDisclosed says by whom and when', () => {
    const given = history([
      create(),
      requestDisclosure(),
      approve(staff.head),
      approve(staff.director, later(0, 2)),
    ]);
    expect(onlyEvent(when(disclose(), given), 'ArchiveDisclosed')).toEqual({
      disclosureId: 'd1',
      disclosedBy: { id: 'cs-1', department: 'marketing', name: 'customer_service cs-1' },
      at: later(0, 3),
    });
    expect(openArchive(given).disclosures.d1!.approvals.map((a) => a.role)).toEqual([
      'department_head',
      'marketing_director',
    ]);
  });

  it('§2 对外提供: the same role cannot approve twice, not even as another person (disclosure.already-approved)', () => {
    const given = history([create(), requestDisclosure(), approve(staff.head)]);
    expect(refusal(when(approve(staff.head2, later(0, 2)), given))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.already-approved',
    });
    expect(refusal(when(approve(staff.head, later(0, 2)), given))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.already-approved',
    });
    // and two heads do not make the pair
    expect(refusal(when(disclose(), given))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.needs-both-approvals',
    });
  });

  it('§2 对外提供: the requester cannot approve (disclosure.approver-is-requester)', () => {
    const given = history([create(), requestDisclosure(staff.head)]);
    expect(refusal(when(approve(staff.head), given))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.approver-is-requester',
    });
    expect(eventsOf(when(approve(staff.head2), given))).toHaveLength(1);
  });

  it('§2 对外提供: only the department head and the marketing director approve (disclosure.approver-role)', () => {
    const given = history([create(), requestDisclosure()]);
    for (const who of [staff.keeper, staff.marketingManager, staff.salesManager, staff.auditor])
      expect(refusal(when(approve(who), given))).toEqual({
        _tag: 'DomainError',
        code: 'disclosure.approver-role',
      });
  });

  it('§2 对外提供: a disclosure is made once; no approval after it (disclosure.done)', () => {
    const given = history([
      create(),
      requestDisclosure(),
      approve(staff.head),
      approve(staff.director),
      disclose(),
    ]);
    expect(refusal(when(disclose(staff.keeper, later(0, 4)), given))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.done',
    });
    expect(refusal(when(approve(staff.director2, later(0, 4)), given))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.done',
    });
  });

  it('§2 对外提供: approving or disclosing an unknown disclosure is refused (disclosure.not-found)', () => {
    expect(refusal(when(approve(staff.head), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.not-found',
    });
    expect(refusal(when(disclose(), history([create()])))).toEqual({
      _tag: 'DomainError',
      code: 'disclosure.not-found',
    });
  });
});
