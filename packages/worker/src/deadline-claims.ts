// Claiming due deadlines among several workers, and settling them once handled.
import type { ExpressionBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ClaimedDeadline } from './deadline-rows';
import { fromRow, toRow } from './deadline-rows';
import type { Deadline } from './schedule';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface DeadlineTable {
  readonly db: Kysely<any>;
  readonly dialect: 'sqlite' | 'postgres';
  /** The physical table of the pending deadlines. */
  readonly table: string;
}

export interface ClaimRequest {
  readonly owner: string;
  /** Domain time: deadlines due at or before it. */
  readonly dueBy: number;
  /** Wall-clock time of the workers: leases that ended before it are free. */
  readonly leaseNow: number;
  readonly leaseMs: number;
  readonly limit: number;
}

/**
 * Lease up to `limit` due deadlines to `owner`, earliest first. On PostgreSQL rows another worker is claiming
 * right now are skipped (`FOR UPDATE SKIP LOCKED`) rather than waited for; SQLite has one writer at a time.
 * A lease only saves work: firing is idempotent, so a lease that lapses mid-fire costs a replay, never a
 * second finding.
 */
export const claimDue = async (t: DeadlineTable, r: ClaimRequest): Promise<ClaimedDeadline[]> => {
  const table = sql.table(t.table);
  const free = sql`due_ms <= ${r.dueBy} AND (lease_until_ms IS NULL OR lease_until_ms <= ${r.leaseNow})`;
  const until = r.leaseNow + r.leaseMs;
  const query =
    t.dialect === 'postgres'
      ? sql<Record<string, unknown>>`
          UPDATE ${table} SET lease_owner = ${r.owner}, lease_until_ms = ${until}
          WHERE (archive_id, slot) IN (
            SELECT archive_id, slot FROM ${table} WHERE ${free}
            ORDER BY due_ms LIMIT ${r.limit} FOR UPDATE SKIP LOCKED)
          RETURNING *`
      : sql<Record<string, unknown>>`
          UPDATE ${table} SET lease_owner = ${r.owner}, lease_until_ms = ${until}
          WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${free} ORDER BY due_ms LIMIT ${r.limit})
          RETURNING *`;
  const { rows } = await query.execute(t.db);
  return rows.map(fromRow).sort((a, b) => a.dueMs - b.dueMs || (a.archiveId < b.archiveId ? -1 : 1));
};

/**
 * The deadlines fired (or were moot, or superseded): remove them in one statement, except those an event
 * replaced meanwhile (same archive and slot, another finding key). On PostgreSQL, rows the projection is
 * changing right now are skipped rather than waited for (no deadlock with its batch): the projection removes
 * or replaces them itself, and any row left behind fires again after its lease, as a replay.
 */
export const settle = async (t: DeadlineTable, done: readonly ClaimedDeadline[]): Promise<void> => {
  for (let i = 0; i < done.length; i += 200) {
    const chunk = done.slice(i, i + 200);
    const match = (eb: ExpressionBuilder<any, any>) =>
      eb.or(
        chunk.map((d) =>
          eb.and([
            eb('archive_id', '=', d.archiveId),
            eb('slot', '=', d.slot),
            eb('finding_key', '=', d.findingKey),
          ]),
        ),
      );
    if (t.dialect === 'postgres')
      await t.db
        .deleteFrom(t.table)
        .where(({ eb, refTuple, selectFrom }) =>
          eb(
            refTuple('archive_id', 'slot'),
            'in',
            selectFrom(t.table).select(['archive_id', 'slot']).where(match).forUpdate().skipLocked(),
          ),
        )
        .execute();
    else await t.db.deleteFrom(t.table).where(match).execute();
  }
};

/** Firing failed: keep the deadline, retry after `retryAt` (wall-clock ms), and say why. */
export const defer = async (
  t: DeadlineTable,
  d: ClaimedDeadline,
  retryAt: number,
  error: string,
): Promise<void> => {
  await t.db
    .updateTable(t.table)
    .set({
      lease_owner: null,
      lease_until_ms: retryAt,
      attempts: d.attempts + 1,
      last_error: error.slice(0, 2000),
    })
    .where('archive_id', '=', d.archiveId)
    .where('slot', '=', d.slot)
    .where('finding_key', '=', d.findingKey)
    .execute();
};

/** Replace a deadline the worker itself moves on (the tier review), unless an event replaced it meanwhile. */
export const reschedule = async (t: DeadlineTable, d: ClaimedDeadline, next: Deadline): Promise<void> => {
  const { archive_id: _a, slot: _s, ...set } = toRow(next);
  await t.db
    .updateTable(t.table)
    .set(set)
    .where('archive_id', '=', d.archiveId)
    .where('slot', '=', d.slot)
    .where('finding_key', '=', d.findingKey)
    .execute();
};

/** Keep a long job's lease (the tier review) from lapsing while it runs. */
export const renewLease = async (
  t: DeadlineTable,
  d: ClaimedDeadline,
  owner: string,
  until: number,
): Promise<void> => {
  await t.db
    .updateTable(t.table)
    .set({ lease_until_ms: until })
    .where('archive_id', '=', d.archiveId)
    .where('slot', '=', d.slot)
    .where('lease_owner', '=', owner)
    .execute();
};
