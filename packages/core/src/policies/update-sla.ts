import type { PolicyConfig } from './config';
import { isoOf, sameLocalTimesDaysLaterMs } from './time-zone';

export type SlaState = 'on_time' | 'warned' | 'breached' | 'resolved_on_time' | 'resolved_late';

export interface SlaDeadlines {
  /** From here the receipt is warned (1 day by default). */
  readonly warnAt: string;
  /** From here the receipt is breached (2 days by default). */
  readonly breachAt: string;
}

/**
 * 000 §七.2 / DOMAIN.md §3: "updated within 1 day, at most 2 days" after the information was received.
 * Calendar days in the company time zone: the clock starts at `receivedAt`, and the same wall-clock time
 * n calendar days later is the deadline (so a DST shift, where a zone has one, does not move it).
 */
export const slaDeadlines = (config: PolicyConfig, receivedAt: string): SlaDeadlines => {
  const [warnAt, breachAt] = sameLocalTimesDaysLaterMs(
    receivedAt,
    [config.updateSla.warnAfterDays, config.updateSla.breachAfterDays],
    config.timeZone,
  );
  return { warnAt: isoOf(warnAt!), breachAt: isoOf(breachAt!) };
};

/** The deadline state of one receipt at `now` (the SLA board's column). */
export const slaState = (
  config: PolicyConfig,
  receipt: { receivedAt: string; resolvedAt?: string },
  now: Date | string,
): SlaState => {
  const { warnAt, breachAt } = slaDeadlines(config, receipt.receivedAt);
  if (receipt.resolvedAt) return receipt.resolvedAt < breachAt ? 'resolved_on_time' : 'resolved_late';
  const t = new Date(now).toISOString();
  return t >= breachAt ? 'breached' : t >= warnAt ? 'warned' : 'on_time';
};
