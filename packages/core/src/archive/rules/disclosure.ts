import { right } from 'fp-ts/Either';
import type { CommandOf } from '../commands';
import { reject } from '../errors';
import type { ArchiveData } from '../state';
import type { Decision, Rule } from './context';
import { approverOf, event, staffOf } from './context';

// 对外提供 (004 §5.2.4): department head AND marketing director approve beforehand.
const SECTION = 'DOMAIN.md §2 (对外提供), 004 §5.2.4';

export const requestDisclosure = (c: CommandOf<'RequestDisclosure'>, archive: ArchiveData): Decision => {
  if (archive.disclosures[c.disclosureId])
    return reject('disclosure.duplicate', SECTION, `disclosure ${c.disclosureId} already exists`);
  return right([
    event('DisclosureRequested', {
      disclosureId: c.disclosureId,
      requestedBy: approverOf(c.actor),
      recipient: c.recipient,
      purpose: c.purpose,
    }),
  ]);
};

export const approveDisclosure: Rule<CommandOf<'ApproveDisclosure'>> = (c, archive, config) => {
  const d = archive.disclosures[c.disclosureId];
  if (!d) return reject('disclosure.not-found', SECTION, `disclosure ${c.disclosureId} does not exist`);
  if (d.disclosed) return reject('disclosure.done', SECTION, 'the disclosure has been made already');
  if (d.requestedBy.id === c.actor.id)
    return reject('disclosure.approver-is-requester', SECTION, 'the approver is never the requester');
  if (!config.disclosure.approverRoles.includes(c.actor.role))
    return reject(
      'disclosure.approver-role',
      SECTION,
      `a disclosure is approved by ${config.disclosure.approverRoles.join(' and ')}`,
    );
  if (d.approvals.some((a) => a.role === c.actor.role || a.id === c.actor.id))
    return reject(
      'disclosure.already-approved',
      SECTION,
      `the ${c.actor.role} has approved this disclosure already`,
    );
  return right([
    event('DisclosureApproved', { disclosureId: c.disclosureId, approver: approverOf(c.actor) }),
  ]);
};

export const disclose: Rule<CommandOf<'DiscloseArchive'>> = (c, archive, config) => {
  const d = archive.disclosures[c.disclosureId];
  if (!d) return reject('disclosure.not-found', SECTION, `disclosure ${c.disclosureId} does not exist`);
  if (d.disclosed) return reject('disclosure.done', SECTION, 'the disclosure has been made already');
  const missing = config.disclosure.approverRoles.filter((r) => !d.approvals.some((a) => a.role === r));
  if (missing.length > 0)
    return reject(
      'disclosure.needs-both-approvals',
      SECTION,
      `external disclosure still needs the approval of: ${missing.join(', ')}`,
    );
  return right([
    event('ArchiveDisclosed', {
      disclosureId: c.disclosureId,
      disclosedBy: staffOf(c.actor),
      at: c.issuedAt,
    }),
  ]);
};
