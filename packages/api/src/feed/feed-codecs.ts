import * as t from 'io-ts';
import { NonEmpty, struct } from '@dossier/core';
import { problems } from '../http/problem';
import { Limit, Position } from '../queries/query-codecs';
import { eventTypeOf } from './cloud-event-types';
import type { EventType } from '@dossier/core';

/** GET /feed */
export const FeedQuery = struct(
  'FeedQuery',
  {},
  {
    /** The events after this position (the last one seen; 0 = from the beginning). Default: from now on. */
    from: Position,
    /** Comma-separated domain types (`TierChanged`) or CloudEvents types (`cn.dossier.archive.tier-changed.v1`). */
    types: NonEmpty,
    archive: NonEmpty,
    /** `events:read` (default) or `events:read personal:read`. */
    scope: NonEmpty,
  },
);
export type FeedQuery = t.TypeOf<typeof FeedQuery>;

/** POST /subscriptions */
export const SubscriptionBody = struct(
  'SubscriptionBody',
  { url: NonEmpty },
  {
    /** Domain or CloudEvents types; absent or empty: every type. */
    types: t.array(NonEmpty),
    /** Only this archive's events. */
    archive: NonEmpty,
    /** Space-separated scopes: `events:read` (default), `personal:read`. */
    scope: NonEmpty,
    description: t.string,
  },
);
export type SubscriptionBody = t.TypeOf<typeof SubscriptionBody>;

export const DeliveriesQuery = struct(
  'DeliveriesQuery',
  {},
  {
    limit: Limit,
    cursor: Position,
    status: t.keyof({ pending: null, delivered: null, failed: null }),
  },
);
export type DeliveriesQuery = t.TypeOf<typeof DeliveriesQuery>;

/** Type names (domain or CloudEvents) → domain types, or a 400 naming the unknown ones. */
export const parseTypes = (names: readonly string[] | undefined, path: string): EventType[] | undefined => {
  if (!names || names.length === 0) return undefined;
  const out: EventType[] = [];
  const bad: string[] = [];
  for (const n of names) {
    const type = eventTypeOf(n.trim());
    if (type) out.push(type);
    else bad.push(n);
  }
  if (bad.length)
    throw problems.badRequest(`${path}: unknown event type ${bad.join(', ')}`, [
      {
        path,
        rule: 'domain event types (TierChanged) or CloudEvents types (cn.dossier.archive.tier-changed.v1)',
      },
    ]);
  return [...new Set(out)];
};

/** An absolute http(s) URL, or a 400. */
export const parseUrl = (text: string, path: string): string => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw problems.badRequest(`${path}: not a URL`, [{ path, rule: 'an absolute http or https URL' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw problems.badRequest(`${path}: ${url.protocol} is not http or https`, [
      { path, rule: 'an absolute http or https URL' },
    ]);
  if (url.username || url.password)
    throw problems.badRequest(`${path}: credentials do not belong in the URL`, [
      { path, rule: 'no user or password in the URL: requests are signed instead' },
    ]);
  return url.toString();
};
