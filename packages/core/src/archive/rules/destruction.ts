import { right } from 'fp-ts/Either';
import type { PolicyConfig } from '../../policies/config';
import { addMonths, localDate } from '../../policies/time-zone';
import type { CommandOf } from '../commands';
import { invalid, reject } from '../errors';
import type { ArchiveData } from '../state';
import { activeBorrowings } from '../state';
import type { Rule } from './context';
import { approverOf, event, staffOf } from './context';

// 销毁 (DOMAIN.md §7; 004 §5.2.6; 001 客户档案销毁)
const SECTION = 'DOMAIN.md §7 (销毁)';

/** The day retention ends: the last transaction (or creation) plus the retention period. */
export const retentionUntil = (config: PolicyConfig, archive: ArchiveData): string => {
  const last = archive.transactions.reduce((m, t) => (t.at > m ? t.at : m), archive.createdAt);
  return addMonths(localDate(last, config.timeZone), 12 * config.destruction.retentionYears);
};

/** Not while lent out, not under a hold. */
const blockers = (archive: ArchiveData) => {
  if (activeBorrowings(archive).length > 0)
    return reject('destruction.lent', SECTION, 'an archive that is lent out cannot be destroyed');
  const holds = Object.keys(archive.holds);
  if (holds.length > 0)
    return reject(
      'destruction.on-hold',
      SECTION,
      `the archive is under a hold (${holds.join(', ')}) and cannot be destroyed`,
    );
  return undefined;
};

/** May the archive be destroyed on this basis now? Only without an agreement, or once retention has run. */
const retentionAllows = (config: PolicyConfig, archive: ArchiveData, basis: string, issuedAt: string) => {
  const until = retentionUntil(config, archive);
  if (basis === 'no_agreement' && archive.agreementReached)
    return reject<string>(
      'destruction.agreement-reached',
      SECTION,
      'an agreement was reached with this customer: it may be destroyed only once its retention period has run',
    );
  if (archive.agreementReached && localDate(issuedAt, config.timeZone) < until)
    return reject<string>(
      'destruction.retention-running',
      SECTION,
      `the retention period runs until ${until}`,
    );
  return right(until);
};

export const requestDestruction: Rule<CommandOf<'RequestDestruction'>> = (c, archive, config) => {
  if (archive.destruction)
    return reject(
      'destruction.already-requested',
      SECTION,
      `destruction ${archive.destruction.destructionId} is pending already`,
    );
  const blocked = blockers(archive);
  if (blocked) return blocked;
  const allowed = retentionAllows(config, archive, c.basis, c.issuedAt);
  if (allowed._tag === 'Left') return allowed;
  return right([
    event('DestructionRequested', {
      destructionId: c.destructionId,
      requestedBy: approverOf(c.actor),
      reason: c.reason,
      basis: c.basis,
      ...(archive.agreementReached ? { retentionUntil: allowed.right } : {}),
    }),
  ]);
};

export const approveDestruction: Rule<CommandOf<'ApproveDestruction'>> = (c, archive, config) => {
  const d = archive.destruction;
  if (!d || d.destructionId !== c.destructionId)
    return reject(
      'destruction.not-found',
      SECTION,
      `destruction ${c.destructionId} is not pending on this archive`,
    );
  if (d.approvedBy)
    return reject('destruction.already-approved', SECTION, 'the destruction is approved already');
  if (d.requestedBy.id === c.actor.id)
    return reject(
      'destruction.approver-is-requester',
      SECTION,
      'destruction is approved by someone other than the requester',
    );
  if (!config.destruction.approverRoles.includes(c.actor.role))
    return reject(
      'destruction.approver-role',
      SECTION,
      `destruction is approved by ${config.destruction.approverRoles.join(' or ')}`,
    );
  return right([
    event('DestructionApproved', { destructionId: c.destructionId, approvedBy: approverOf(c.actor) }),
  ]);
};

/** Executed before two supervising witnesses (监销人), both other than the requester. */
export const executeDestruction: Rule<CommandOf<'ExecuteDestruction'>> = (c, archive, config) => {
  const d = archive.destruction;
  if (!d || d.destructionId !== c.destructionId)
    return reject(
      'destruction.not-found',
      SECTION,
      `destruction ${c.destructionId} is not pending on this archive`,
    );
  if (!d.approvedBy)
    return reject('destruction.not-approved', SECTION, 'destruction is executed only after approval');
  const ids = new Set(c.witnesses.map((w) => w.id));
  if (c.witnesses.length !== 2 || ids.size !== 2)
    return invalid('witnesses', 'exactly two different supervising witnesses (监销人)');
  if (ids.has(d.requestedBy.id))
    return reject(
      'destruction.witness-is-requester',
      SECTION,
      'both witnesses must differ from the requester',
    );
  const blocked = blockers(archive);
  if (blocked) return blocked;
  // what held at the request must still hold: an agreement reached since then stops the destruction
  const allowed = retentionAllows(config, archive, d.basis, c.issuedAt);
  if (allowed._tag === 'Left') return allowed;
  return right([
    event('ArchiveDestroyed', {
      destructionId: d.destructionId,
      archiveNumber: archive.number,
      reason: d.reason,
      basis: d.basis,
      retentionRequired: archive.agreementReached,
      ...(d.retentionUntil ? { retentionUntil: d.retentionUntil } : {}),
      secrecyLevel: archive.secrecyLevel,
      requestedBy: d.requestedBy,
      approvedBy: d.approvedBy,
      witnesses: c.witnesses,
      executedBy: staffOf(c.actor),
      destroyedAt: c.issuedAt,
      method: c.method,
    }),
  ]);
};
