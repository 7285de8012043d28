import { right } from 'fp-ts/Either';
import type { CommandOf } from '../commands';
import { reject } from '../errors';
import type { ArchiveData } from '../state';
import type { Decision } from './context';
import { event, staffOf } from './context';

/** 冻结 (DOMAIN.md §2): a legal, audit or dispute hold; a held archive cannot be destroyed. */
export const placeHold = (c: CommandOf<'PlaceHold'>, archive: ArchiveData): Decision => {
  if (archive.holds[c.holdId])
    return reject('hold.duplicate', 'DOMAIN.md §2 (冻结)', `hold ${c.holdId} is in place already`);
  return right([
    event('HoldPlaced', { holdId: c.holdId, kind: c.kind, reason: c.reason, placedBy: staffOf(c.actor) }),
  ]);
};

export const releaseHold = (c: CommandOf<'ReleaseHold'>, archive: ArchiveData): Decision => {
  if (!archive.holds[c.holdId])
    return reject('hold.not-found', 'DOMAIN.md §2 (冻结)', `there is no hold ${c.holdId} in place`);
  return right([event('HoldReleased', { holdId: c.holdId, reason: c.reason, releasedBy: staffOf(c.actor) })]);
};
