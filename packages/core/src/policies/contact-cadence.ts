import type { Tier } from '../events/values';
import type { PolicyConfig } from './config';
import { addDays, addMonths, localDate } from './time-zone';

export type CadenceChannel = 'phone' | 'visit';

export interface CadenceInput {
  readonly tier: Tier;
  /** When the current tier took effect (or the archive was created). */
  readonly tierSince: string;
  readonly lastContact: { readonly phone?: string; readonly visit?: string };
}

/**
 * 000 §五.3 / DOMAIN.md §4: the next due date of a channel runs from the last completed contact of that
 * channel, or from creation / the tier change when that is later (a tier change reschedules at once).
 */
export const nextContactDue = (
  config: PolicyConfig,
  input: CadenceInput,
  channel: CadenceChannel,
): string => {
  const last = input.lastContact[channel];
  const from = last && last > input.tierSince ? last : input.tierSince;
  const day = localDate(from, config.timeZone);
  const rule = config.cadence[input.tier];
  return channel === 'phone' ? addDays(day, rule.phoneEveryDays) : addMonths(day, rule.visitEveryMonths);
};

export type CadenceState = 'not_due' | 'due' | 'overdue';

/** Due on its date, overdue after it (DOMAIN.md §4). */
export const cadenceState = (config: PolicyConfig, dueOn: string, now: Date | string): CadenceState => {
  const today = localDate(now, config.timeZone);
  return today < dueOn ? 'not_due' : today === dueOn ? 'due' : 'overdue';
};
