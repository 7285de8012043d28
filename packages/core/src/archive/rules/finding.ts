import { right } from 'fp-ts/Either';
import type { EventOf, FindingType } from '../../events/archive-events';
import { nextContactDue } from '../../policies/contact-cadence';
import type { PolicyConfig } from '../../policies/config';
import type { CommandOf } from '../commands';
import { findingKey } from '../findings';
import type { ArchiveData } from '../state';
import type { Rule } from './context';

/** Is the finding still true of the archive? A deadline made moot never fires (DOMAIN.md §3–§6). */
const stillDue = (f: EventOf<FindingType>, a: ArchiveData, config: PolicyConfig): boolean => {
  switch (f.type) {
    case 'UpdateSlaWarned':
    case 'UpdateSlaBreached': {
      const r = a.receipts[f.data.receiptId];
      return !!r && !r.resolvedAt;
    }
    case 'ContactDue':
    case 'ContactOverdue':
      return f.data.tier === a.tier && nextContactDue(config, a, f.data.channel) === f.data.dueOn;
    case 'ReturnOverdue': {
      const b = a.borrowings[f.data.borrowingId];
      return !!b && b.status === 'lent' && !b.overdueRecorded;
    }
    case 'ReviewDue':
      return true;
    case 'TierChangeProposed':
      return f.data.from === a.tier && f.data.to !== a.tier;
  }
};

/** The worker's findings: recorded once, and only while still true; otherwise nothing is appended. */
export const recordFinding: Rule<CommandOf<'RecordFinding'>> = (c, archive, config) => {
  const finding = c.finding as EventOf<FindingType>;
  if (archive.findings[findingKey(finding)] || !stillDue(finding, archive, config)) return right([]);
  return right([finding]);
};
