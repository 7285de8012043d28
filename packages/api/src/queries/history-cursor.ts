import type { ExpressionBuilder } from 'kysely';
import { problems } from '../http/problem';

/**
 * The change history pages by (position, seq): a cursor `<position>.<seq>` from a page's `next` becomes the
 * condition "after that row". One place for the history view and the audit view.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const afterHistoryCursor = (cursor: string) => (eb: ExpressionBuilder<any, any>) => {
  const [p, s] = cursor.split('.');
  if (!/^\d+$/.test(p ?? '') || !/^\d+$/.test(s ?? ''))
    throw problems.badRequest('cursor: not a cursor of this list', [
      { path: 'query:cursor', rule: 'must come from `next`' },
    ]);
  return eb.or([eb('position', '>', p!), eb.and([eb('position', '=', p!), eb('seq', '>', Number(s))])]);
};
