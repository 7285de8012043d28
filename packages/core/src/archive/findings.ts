import type { EventOf, FindingType } from '../events/archive-events';

/** The identity of a worker finding: the same finding is recorded at most once per archive (DOMAIN.md §2). */
export const findingKey = (event: EventOf<FindingType>): string => {
  switch (event.type) {
    case 'UpdateSlaWarned':
      return `sla-warned:${event.data.receiptId}`;
    case 'UpdateSlaBreached':
      return `sla-breached:${event.data.receiptId}`;
    case 'ContactDue':
      return `contact-due:${event.data.channel}:${event.data.dueOn}`;
    case 'ContactOverdue':
      return `contact-overdue:${event.data.channel}:${event.data.dueOn}`;
    case 'ReturnOverdue':
      return `return-overdue:${event.data.borrowingId}`;
    case 'ReviewDue':
      return `review:${event.data.kind}:${event.data.dueOn}`;
    case 'TierChangeProposed':
      return `tier-proposal:${event.data.periodEnd}`;
  }
};
