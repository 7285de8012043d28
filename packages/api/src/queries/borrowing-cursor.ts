import type { ExpressionBuilder } from 'kysely';
import { problems } from '../http/problem';

/**
 * The borrowing register pages by its key (borrowing_id, archive_id): the cursor carries both, opaque
 * (base64url of a JSON pair), since ids may hold any character.
 */
export const borrowingCursor = (borrowingId: string, archiveId: string): string =>
  Buffer.from(JSON.stringify([borrowingId, archiveId])).toString('base64url');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const afterBorrowingCursor = (cursor: string) => (eb: ExpressionBuilder<any, any>) => {
  let pair: unknown;
  try {
    pair = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    pair = undefined;
  }
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((x) => typeof x === 'string'))
    throw problems.badRequest('cursor: not a cursor of this list', [
      { path: 'query:cursor', rule: 'must come from `next`' },
    ]);
  const [b, a] = pair as [string, string];
  return eb.or([eb('borrowing_id', '>', b), eb.and([eb('borrowing_id', '=', b), eb('archive_id', '>', a)])]);
};
