import { right } from 'fp-ts/Either';
import { approverFits, loanTerms } from '../../policies/borrowing-due';
import type { CommandOf } from '../commands';
import { reject } from '../errors';
import type { ArchiveData, Borrowing } from '../state';
import { activeBorrowings } from '../state';
import type { Decision, Rule } from './context';
import { approverOf, event, staffOf } from './context';

// 借阅 (DOMAIN.md §6; 000 §六.4; 004 §5.2.3)
const SECTION = 'DOMAIN.md §6 (借阅)';

const find = (archive: ArchiveData, id: string, need: Borrowing['status'], what: string) => {
  const b = archive.borrowings[id];
  if (!b)
    return reject<Borrowing>(
      'borrowing.not-found',
      SECTION,
      `borrowing ${id} does not exist on this archive`,
    );
  if (b.status !== need)
    return reject<Borrowing>(
      `borrowing.not-${need}`,
      SECTION,
      `${what}: borrowing ${id} is ${b.status}, not ${need}`,
    );
  return right(b);
};

export const requestBorrow = (c: CommandOf<'RequestBorrow'>, archive: ArchiveData): Decision => {
  if (archive.borrowings[c.borrowingId])
    return reject('borrowing.duplicate', SECTION, `borrowing ${c.borrowingId} already exists`);
  return right([
    event('BorrowRequested', {
      borrowingId: c.borrowingId,
      requester: c.actor,
      purpose: c.purpose,
      requestedAt: c.issuedAt,
    }),
  ]);
};

export const approveBorrow: Rule<CommandOf<'ApproveBorrow'>> = (c, archive, config) => {
  const found = find(archive, c.borrowingId, 'requested', 'only a requested borrowing can be approved');
  if (found._tag === 'Left') return found;
  const b = found.right;
  if (b.requester.id === c.actor.id)
    return reject('borrowing.approver-is-requester', SECTION, 'the approver is never the requester');
  if (!approverFits(config, b.requester.role, c.actor.role))
    return reject(
      'borrowing.approver-role',
      SECTION,
      `a borrowing by a ${b.requester.role} must be approved by ${config.borrowing.approvers[b.requester.role].join(' or ') || 'nobody'}, not a ${c.actor.role}`,
    );
  return right([event('BorrowApproved', { borrowingId: c.borrowingId, approver: approverOf(c.actor) })]);
};

export const rejectBorrow: Rule<CommandOf<'RejectBorrow'>> = (c, archive, config) => {
  const found = find(archive, c.borrowingId, 'requested', 'only a requested borrowing can be rejected');
  if (found._tag === 'Left') return found;
  if (found.right.requester.id === c.actor.id)
    return reject('borrowing.approver-is-requester', SECTION, 'the approver is never the requester');
  if (!approverFits(config, found.right.requester.role, c.actor.role))
    return reject(
      'borrowing.approver-role',
      SECTION,
      `a borrowing by a ${found.right.requester.role} is decided by ${config.borrowing.approvers[found.right.requester.role].join(' or ') || 'nobody'}, not a ${c.actor.role}`,
    );
  return right([
    event('BorrowRejected', {
      borrowingId: c.borrowingId,
      rejectedBy: approverOf(c.actor),
      reason: c.reason,
    }),
  ]);
};

/** 借出: only after approval, to the requester only (no lending on), registered by the keeper. */
export const lend: Rule<CommandOf<'LendArchive'>> = (c, archive, config) => {
  const found = find(archive, c.borrowingId, 'approved', 'lend only after approval');
  if (found._tag === 'Left') return found;
  const b = found.right;
  if (!config.borrowing.keeperRoles.includes(c.actor.role))
    return reject(
      'borrowing.lender-not-keeper',
      SECTION,
      `lending is registered by ${config.borrowing.keeperRoles.join(' or ')}`,
    );
  if (c.to !== undefined && c.to !== b.requester.id)
    return reject(
      'borrowing.third-party',
      SECTION,
      'no lending on to a third party: the archive goes to the requester only',
    );
  if (activeBorrowings(archive).length > 0)
    return reject(
      'borrowing.already-lent',
      SECTION,
      'the archive is lent out already; it must come back first',
    );
  const terms = loanTerms(config, {
    lentAt: c.issuedAt,
    requesterRole: b.requester.role,
    tier: archive.tier,
    secrecyLevel: archive.secrecyLevel,
  });
  return right([
    event('ArchiveLent', {
      borrowingId: c.borrowingId,
      lentAt: c.issuedAt,
      dueAt: terms.dueAt,
      lentBy: staffOf(c.actor),
      destination: terms.destination,
    }),
  ]);
};

/** 归还: only when lent. */
export const giveBack: Rule<CommandOf<'ReturnArchive'>> = (c, archive, config) => {
  const found = find(archive, c.borrowingId, 'lent', 'return only when lent');
  if (found._tag === 'Left') return found;
  if (!config.borrowing.keeperRoles.includes(c.actor.role))
    return reject(
      'borrowing.receiver-not-keeper',
      SECTION,
      `returns are received by ${config.borrowing.keeperRoles.join(' or ')}`,
    );
  return right([
    event('ArchiveReturned', {
      borrowingId: c.borrowingId,
      returnedAt: c.issuedAt,
      receivedBy: staffOf(c.actor),
      condition: c.condition,
      ...(c.notes !== undefined ? { notes: c.notes } : {}),
    }),
  ]);
};
