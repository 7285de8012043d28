// When each deadline falls due, and the finding it records: pure functions of events and configuration.
import type { CadenceChannel, CadenceInput, EventOf, FindingType, PolicyConfig } from '@dossier/core';
import {
  addDays,
  addMonths,
  deterministicEventId,
  findingKey,
  localDate,
  nextContactDue,
  slaDeadlines,
  startOfLocalDay,
} from '@dossier/core';

/** A finding the worker records (DOMAIN.md §2, last row). */
export type Finding = EventOf<FindingType>;

/** The 2-monthly tier review is not one archive's finding: it ranks every archive (DOMAIN.md §5). */
export interface TierReviewWork {
  readonly type: 'TierReview';
  readonly data: { readonly periodEnd: string };
}

/** What firing a deadline does: record one finding, or run the tier review. */
export type DeadlineWork = Finding | TierReviewWork;

export type DeadlineKind =
  | 'sla_warn'
  | 'sla_breach'
  | 'contact_due'
  | 'contact_overdue'
  | 'return_overdue'
  | 'review_yearly'
  | 'tier_review';

/** The archive id of the one deadline that belongs to no archive: the tier review across all of them. */
export const ALL_ARCHIVES = '*';

/** One pending deadline: fires at `dueAt` unless made moot; dropped unfired at `expiresAt` (superseded). */
export interface Deadline {
  readonly archiveId: string;
  /** Unique per archive: the deadline a new event replaces (e.g. `contact_due:phone`). */
  readonly slot: string;
  readonly kind: DeadlineKind;
  readonly dueAt: string;
  readonly expiresAt?: string;
  readonly work: DeadlineWork;
  /** `findingKey` of the core for findings (the archive records each once); `tier-review:<periodEnd>`. */
  readonly findingKey: string;
}

const iso = (t: string | Date): string => new Date(t).toISOString();

/** The instant a calendar date begins in the company time zone. */
export const dayStart = (config: PolicyConfig, date: string): string =>
  startOfLocalDay(date, config.timeZone).toISOString();

const finding = <K extends FindingType>(type: K, data: Record<string, unknown>): Finding =>
  ({ type, data }) as unknown as Finding;

const deadline = (d: Omit<Deadline, 'findingKey'>): Deadline => ({
  ...d,
  findingKey: d.work.type === 'TierReview' ? `tier-review:${d.work.data.periodEnd}` : findingKey(d.work),
});

/**
 * The command id a finding is recorded under: the same archive and finding key always give the same id, so
 * a second worker, a restart or a replay is answered by the handler's idempotency and appends nothing.
 */
export const findingCommandId = (archiveId: string, key: string): string =>
  deterministicEventId('dossier-worker-finding', archiveId, key);

/**
 * DOMAIN.md §3: warned at receivedAt + 1 day, breached at + 2 (configurable), judged by `receivedAt` (a
 * receipt backdated three days is breached at once). The warning is superseded by the breach: a worker that
 * was away records the breach only (the core marks a breached receipt warned as well).
 */
export const slaDeadlinesOf = (
  config: PolicyConfig,
  archiveId: string,
  receiptId: string,
  receivedAt: string,
): Deadline[] => {
  const { warnAt, breachAt } = slaDeadlines(config, iso(receivedAt));
  const data = { receiptId, receivedAt };
  return [
    deadline({
      archiveId,
      slot: `sla_warn:${receiptId}`,
      kind: 'sla_warn',
      dueAt: warnAt,
      expiresAt: breachAt,
      work: finding('UpdateSlaWarned', { ...data, deadline: warnAt }),
    }),
    deadline({
      archiveId,
      slot: `sla_breach:${receiptId}`,
      kind: 'sla_breach',
      dueAt: breachAt,
      work: finding('UpdateSlaBreached', { ...data, deadline: breachAt }),
    }),
  ];
};

/**
 * DOMAIN.md §4: a channel's contact is due on its date (from the start of that day, company time) and
 * overdue after it (from the start of the next day). `ContactDue` is superseded once the day is over.
 */
export const contactDeadlinesOf = (
  config: PolicyConfig,
  archiveId: string,
  cadence: CadenceInput,
  channel: CadenceChannel,
): Deadline[] => {
  const dueOn = nextContactDue(config, cadence, channel);
  const after = dayStart(config, addDays(dueOn, 1));
  const data = { channel, dueOn, tier: cadence.tier };
  return [
    deadline({
      archiveId,
      slot: `contact_due:${channel}`,
      kind: 'contact_due',
      dueAt: dayStart(config, dueOn),
      expiresAt: after,
      work: finding('ContactDue', data),
    }),
    deadline({
      archiveId,
      slot: `contact_overdue:${channel}`,
      kind: 'contact_overdue',
      dueAt: after,
      work: finding('ContactOverdue', data),
    }),
  ];
};

export const cadenceChannels: readonly CadenceChannel[] = ['phone', 'visit'];

/** DOMAIN.md §6: ReturnOverdue *after* the due time (18:00 company time on the day lent, by default). */
export const returnDeadlineOf = (archiveId: string, borrowingId: string, dueAt: string): Deadline =>
  deadline({
    archiveId,
    slot: `return_overdue:${borrowingId}`,
    kind: 'return_overdue',
    dueAt: new Date(new Date(dueAt).getTime() + 1).toISOString(),
    work: finding('ReturnOverdue', { borrowingId, dueAt: iso(dueAt) }),
  });

/** DOMAIN.md §3 (004 §5.1.6): the full review of every archive once a year, from its creation date. */
export const firstYearlyReviewOn = (config: PolicyConfig, createdAt: string): string =>
  addMonths(localDate(createdAt, config.timeZone), config.review.fullReviewEveryMonths);

export const nextYearlyReviewOn = (config: PolicyConfig, dueOn: string): string =>
  addMonths(dueOn, config.review.fullReviewEveryMonths);

export const yearlyReviewOf = (config: PolicyConfig, archiveId: string, dueOn: string): Deadline =>
  deadline({
    archiveId,
    slot: 'review_yearly',
    kind: 'review_yearly',
    dueAt: dayStart(config, dueOn),
    work: finding('ReviewDue', { kind: 'yearly_full', dueOn }),
  });

/** A tier-review boundary: the first day of every n-th month (counted from January of year 0), company time. */
export interface TierReviewBoundary {
  /** The instant the review runs. */
  readonly at: string;
  /** The last day of the period reviewed (the day before the boundary). */
  readonly periodEnd: string;
}

const boundaryOn = (config: PolicyConfig, firstOfMonth: string): TierReviewBoundary => ({
  at: dayStart(config, firstOfMonth),
  periodEnd: addDays(firstOfMonth, -1),
});

const isBoundaryMonth = (config: PolicyConfig, firstOfMonth: string): boolean => {
  const [y, m] = firstOfMonth.split('-').map(Number) as [number, number];
  return (y * 12 + (m - 1)) % config.review.tierReviewEveryMonths === 0;
};

/** DOMAIN.md §5: the first tier-review boundary strictly after `instant`. */
export const tierReviewAfter = (config: PolicyConfig, instant: string): TierReviewBoundary => {
  let month = `${localDate(instant, config.timeZone).slice(0, 7)}-01`;
  for (;;) {
    if (isBoundaryMonth(config, month)) {
      const b = boundaryOn(config, month);
      if (b.at > iso(instant)) return b;
    }
    month = addMonths(month, 1);
  }
};

/** The latest tier-review boundary at or before `instant` (the period a late review should judge). */
export const tierReviewAtOrBefore = (config: PolicyConfig, instant: string): TierReviewBoundary => {
  let month = `${localDate(instant, config.timeZone).slice(0, 7)}-01`;
  for (;;) {
    if (isBoundaryMonth(config, month)) {
      const b = boundaryOn(config, month);
      if (b.at <= iso(instant)) return b;
    }
    month = addMonths(month, -1);
  }
};

export const tierReviewOf = (boundary: TierReviewBoundary): Deadline =>
  deadline({
    archiveId: ALL_ARCHIVES,
    slot: 'tier_review',
    kind: 'tier_review',
    dueAt: boundary.at,
    work: { type: 'TierReview', data: { periodEnd: boundary.periodEnd } },
  });

/** The proposal id of one archive's tier proposal for a period (deterministic: a re-run proposes the same). */
export const proposalIdOf = (archiveId: string, periodEnd: string): string =>
  `tier-${periodEnd}-${archiveId}`;
