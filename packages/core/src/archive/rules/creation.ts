import { right } from 'fp-ts/Either';
import type { CommandOf } from '../commands';
import { invalid } from '../errors';
import { containsRedacted } from '../../privacy/personal-fields';
import type { Decision } from './context';
import { event, staffOf } from './context';

/** The archive number when the creator gives none: date of creation and the head of the archive id. */
export const deriveNumber = (archiveId: string, issuedAt: string): string =>
  `KH-${issuedAt.slice(0, 10).replace(/-/g, '')}-${archiveId
    .replace(/[^0-9a-zA-Z]/g, '')
    .slice(0, 8)
    .toUpperCase()}`;

/** 建档 (DOMAIN.md §2; 000 §四.1 completeness: every required group present). */
export const create = (c: CommandOf<'CreateArchive'>): Decision => {
  if (containsRedacted(c.profile)) return invalid('profile', 'a new archive cannot hold destroyed markers');
  if (!Array.isArray(c.profile.people) || c.profile.people.length === 0)
    return invalid(
      'profile.people',
      'completeness (000 §四.1): at least one person of the customer is required',
    );
  return right([
    event('ArchiveCreated', {
      archiveId: c.archiveId,
      number: c.number ?? deriveNumber(c.archiveId, c.issuedAt),
      createdAt: c.issuedAt,
      createdBy: staffOf(c.actor),
      custodian: c.custodian,
      department: c.department,
      tier: c.tier,
      secrecyLevel: c.secrecyLevel,
      profile: c.profile,
    }),
  ]);
};
