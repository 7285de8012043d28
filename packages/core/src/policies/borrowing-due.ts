import type { Role, SecrecyLevel, Tier } from '../events/values';
import type { PolicyConfig } from './config';
import { addDays, localDate, zonedInstant } from './time-zone';

export interface LoanTerms {
  readonly dueAt: string;
  readonly destination: 'in_office' | 'may_leave_office';
  /** Why the archive comes back the same day, if it does. */
  readonly sameDayBecause?: string;
}

/**
 * 004 §5.2.3 / DOMAIN.md §6: a sales manager's borrowing comes back the same day and stays in the office;
 * important material (A-tier or secret) comes back the same day; the default due time is 18:00 company time.
 */
export const loanTerms = (
  config: PolicyConfig,
  input: { lentAt: string; requesterRole: Role; tier: Tier; secrecyLevel: SecrecyLevel },
): LoanTerms => {
  const { timeZone, borrowing } = config;
  const day = localDate(input.lentAt, timeZone);
  const sameDayBecause =
    input.requesterRole === 'sales_manager'
      ? 'sales managers return the same day (004 §5.2.3)'
      : input.tier === 'A' || input.secrecyLevel === 'secret'
        ? 'important material (A-tier or secret) returns the same day (004 §5.2.3)'
        : undefined;
  let dueDay = sameDayBecause ? day : addDays(day, borrowing.ordinaryLoanDays);
  // lent after the day's return time: due at the next return time, never before it was lent
  while (zonedInstant(dueDay, borrowing.returnBy, timeZone).getTime() <= Date.parse(input.lentAt))
    dueDay = addDays(dueDay, 1);
  const dueAt = zonedInstant(dueDay, borrowing.returnBy, timeZone).toISOString();
  return {
    dueAt,
    destination: input.requesterRole === 'sales_manager' ? 'in_office' : 'may_leave_office',
    ...(sameDayBecause ? { sameDayBecause } : {}),
  };
};

/** The approver's role must fit the requester's (004 §5.2.3): other departments need the marketing director. */
export const approverFits = (config: PolicyConfig, requester: Role, approver: Role): boolean =>
  config.borrowing.approvers[requester].includes(approver);
