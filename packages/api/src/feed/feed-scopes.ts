import type { Actor, ArchiveAccessView, PolicyConfig } from '@dossier/core';
import { decideAccess } from '@dossier/core';
import { problems } from '../http/problem';

/**
 * What a feed consumer or a webhook subscription may receive.
 * - `events:read`: every archive event, personal values withheld as `{ "$personal": "withheld" }`.
 * - `personal:read`: personal values in plaintext (or `{ "$redacted": "destroyed" }` once the archive was
 *   destroyed); each archive whose personal values leave is recorded in its read log (DOMAIN.md §6).
 */
export const SCOPES = ['events:read', 'personal:read'] as const;
export type FeedScope = (typeof SCOPES)[number];

/** The most guarded archive there is: A-tier, secret, lent to nobody, in nobody's custody. */
const mostGuarded: ArchiveAccessView = {
  tier: 'A',
  secrecyLevel: 'secret',
  custodianId: '\u0000nobody',
  activeBorrowings: [],
};

/**
 * The feed is the whole log, so it is open to the roles that may read the history of every archive
 * (DOMAIN.md §6 with the configured ranks: by default the marketing director, department heads and auditors).
 */
export const mayReadFeed = (config: PolicyConfig, actor: Pick<Actor, 'id' | 'role'>): boolean =>
  decideAccess(config, actor, 'read_history', mostGuarded)._tag === 'allow';

/** `personal:read` also needs the right to read the detail of every archive without a borrowing. */
export const mayReadPersonal = (config: PolicyConfig, actor: Pick<Actor, 'id' | 'role'>): boolean =>
  mayReadFeed(config, actor) && decideAccess(config, actor, 'read_detail', mostGuarded)._tag === 'allow';

/** `events:read personal:read` (OAuth style, space separated) → the scopes, or a 400 problem. */
export const parseScopes = (text: string | undefined, path: string): FeedScope[] => {
  const names = (text ?? 'events:read').split(/[\s,]+/).filter(Boolean);
  const bad = names.filter((n) => !(SCOPES as readonly string[]).includes(n));
  if (bad.length)
    throw problems.badRequest(`${path}: unknown scope ${bad.join(', ')}`, [
      { path, rule: `space-separated scopes among ${SCOPES.join(', ')}` },
    ]);
  return [...new Set<FeedScope>(['events:read', ...(names as FeedScope[])])].sort();
};

export const opensPersonal = (scopes: readonly FeedScope[]): boolean => scopes.includes('personal:read');

/** 403 unless the actor may read the feed, and personal values when the scopes ask for them. */
export const requireFeedAccess = (config: PolicyConfig, actor: Actor, scopes: readonly FeedScope[]): void => {
  if (!mayReadFeed(config, actor))
    throw problems.forbidden(
      `the event feed carries every archive: it is open to roles that may read the history of every archive, not to ${actor.role}`,
      'feed.role',
      'DOMAIN.md §6',
    );
  if (opensPersonal(scopes) && !mayReadPersonal(config, actor))
    throw problems.forbidden(
      `the personal:read scope needs the right to read the detail of every archive, which ${actor.role} lacks`,
      'feed.personal-scope',
      'DOMAIN.md §6, PIPL',
    );
};
