import { right } from 'fp-ts/Either';
import type { CommandOf } from '../commands';
import { reject } from '../errors';
import type { ArchiveData } from '../state';
import type { Decision } from './context';
import { event } from './context';

const order = { A: 0, B: 1, C: 2 } as const;

/** 升降级 (DOMAIN.md §2, §4): from ≠ to; the cadence of the new tier runs from now. */
export const changeTier = (c: CommandOf<'ChangeTier'>, archive: ArchiveData): Decision => {
  if (c.to === archive.tier)
    return reject(
      'tier.unchanged',
      'DOMAIN.md §2 (升降级)',
      `the archive is already tier ${c.to}: from must differ from to`,
    );
  return right([
    event('TierChanged', {
      from: archive.tier,
      to: c.to,
      direction: order[c.to] < order[archive.tier] ? 'up' : 'down',
      reason: c.reason,
      at: c.issuedAt,
      ...(c.evidence !== undefined ? { evidence: c.evidence } : {}),
      ...(c.proposalId !== undefined ? { proposalId: c.proposalId } : {}),
    }),
  ]);
};
