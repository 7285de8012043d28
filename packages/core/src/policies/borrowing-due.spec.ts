import type { Role } from '../events/values';
import { approverFits, loanTerms } from './borrowing-due';
import { defaultPolicyConfig, withConfig } from './config';

const lentAt = '2026-03-02T02:00:00.000Z'; // 10:00 on 2 March in Shanghai
const sixPm = '2026-03-02T10:00:00.000Z'; // 18:00 on 2 March in Shanghai
const longer = withConfig({ borrowing: { ...defaultPolicyConfig.borrowing, ordinaryLoanDays: 2 } });

describe('loan terms (DOMAIN.md §6, 004 §5.2.3)', () => {
  it('§6 借阅: by default every loan is due at 18:00 company time on the day lent', () => {
    expect(
      loanTerms(defaultPolicyConfig, {
        lentAt,
        requesterRole: 'sales_rep',
        tier: 'C',
        secrecyLevel: 'internal',
      }),
    ).toEqual({
      dueAt: sixPm,
      destination: 'may_leave_office',
    });
  });

  it('§6 借阅: an archive lent after 18:00 is due at 18:00 the next day, never before it was lent', () => {
    const late = loanTerms(defaultPolicyConfig, {
      lentAt: '2026-03-02T11:30:00.000Z', // 19:30 in Shanghai
      requesterRole: 'sales_manager',
      tier: 'A',
      secrecyLevel: 'internal',
    });
    expect(late.dueAt).toBe('2026-03-03T10:00:00.000Z');
  });

  it('§6 借阅: the day lent is the company-calendar day (lent at 01:00 Shanghai, still the day before in UTC)', () => {
    expect(
      loanTerms(defaultPolicyConfig, {
        lentAt: '2026-03-01T17:00:00.000Z',
        requesterRole: 'sales_rep',
        tier: 'C',
        secrecyLevel: 'internal',
      }).dueAt,
    ).toBe(sixPm);
  });

  it('§6 借阅: a sales manager’s loan comes back the same day and does not leave the office', () => {
    expect(
      loanTerms(longer, { lentAt, requesterRole: 'sales_manager', tier: 'C', secrecyLevel: 'internal' }),
    ).toEqual({
      dueAt: sixPm,
      destination: 'in_office',
      sameDayBecause: expect.stringMatching(/sales managers/),
    });
  });

  it.each([
    ['A-tier', 'A', 'internal'],
    ['secret', 'B', 'secret'],
  ] as const)('§6 借阅: important material (%s) comes back the same day', (_what, tier, secrecyLevel) => {
    expect(loanTerms(longer, { lentAt, requesterRole: 'sales_rep', tier, secrecyLevel })).toEqual({
      dueAt: sixPm,
      destination: 'may_leave_office',
      sameDayBecause: expect.stringMatching(/important material/),
    });
  });

  it('§6 借阅: ordinary material follows the configured loan days; the return time is configuration too', () => {
    expect(
      loanTerms(longer, { lentAt, requesterRole: 'sales_rep', tier: 'B', secrecyLevel: 'confidential' })
        .dueAt,
    ).toBe('2026-03-04T10:00:00.000Z');
    const noon = withConfig({ borrowing: { ...defaultPolicyConfig.borrowing, returnBy: '12:00' } });
    expect(
      loanTerms(noon, { lentAt, requesterRole: 'sales_rep', tier: 'B', secrecyLevel: 'internal' }).dueAt,
    ).toBe('2026-03-02T04:00:00.000Z');
  });

  it.each([
    ['other_department', 'marketing_director', true],
    ['other_department', 'customer_service', false],
    ['other_department', 'department_head', false],
    ['sales_rep', 'marketing_manager', true],
    ['sales_rep', 'sales_manager', false],
    ['marketing_director', 'marketing_manager', false],
    ['marketing_director', 'department_head', true],
    ['system', 'department_head', false],
  ] as [Role, Role, boolean][])(
    '§6 借阅: a borrowing by a %s approved by a %s fits: %s',
    (requester, approver, fits) => {
      expect(approverFits(defaultPolicyConfig, requester, approver)).toBe(fits);
    },
  );
});
