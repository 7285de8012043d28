// The rows of the pending-deadlines read model, as both the projection and the worker see them.
import type { Deadline, DeadlineKind, DeadlineWork } from './schedule';
import { findingCommandId } from './schedule';

/** Base names of the read model's tables (physical names carry the version: `rm_<base>_v<n>`). */
export const DEADLINES = 'pending_deadlines';
/** Per archive: what the cadence and the tier review need (tier, tier since, last contacts, status). */
export const ARCHIVES = 'deadline_archives';
/** Per transaction: the amounts the tier review ranks by (DOMAIN.md §5). */
export const TRANSACTIONS = 'deadline_transactions';

/** A pending deadline as stored. Times are kept twice: ISO text to read, epoch milliseconds to compare. */
export interface DeadlineRow {
  archive_id: string;
  slot: string;
  kind: DeadlineKind;
  due_at: string;
  due_ms: number;
  expires_ms: number | null;
  /** JSON of the finding to record (or of the tier review to run). */
  work: string;
  finding_key: string;
  command_id: string;
  /** The worker holding the row, until `lease_until_ms` (wall-clock time of the workers, not domain time). */
  lease_owner: string | null;
  lease_until_ms: number | null;
  attempts: number;
  last_error: string | null;
}

/** A deadline the worker has claimed. */
export interface ClaimedDeadline extends Deadline {
  readonly dueMs: number;
  readonly expiresMs?: number;
  readonly commandId: string;
  readonly attempts: number;
}

export const toRow = (d: Deadline): DeadlineRow => ({
  archive_id: d.archiveId,
  slot: d.slot,
  kind: d.kind,
  due_at: d.dueAt,
  due_ms: Date.parse(d.dueAt),
  expires_ms: d.expiresAt ? Date.parse(d.expiresAt) : null,
  work: JSON.stringify(d.work),
  finding_key: d.findingKey,
  command_id: findingCommandId(d.archiveId, d.findingKey),
  lease_owner: null,
  lease_until_ms: null,
  attempts: 0,
  last_error: null,
});

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** Rows as either driver answers them (PostgreSQL gives BIGINT as text). */
export const fromRow = (r: Record<string, unknown>): ClaimedDeadline => {
  const expires = r.expires_ms === null || r.expires_ms === undefined ? undefined : num(r.expires_ms);
  return {
    archiveId: r.archive_id as string,
    slot: r.slot as string,
    kind: r.kind as DeadlineKind,
    dueAt: r.due_at as string,
    dueMs: num(r.due_ms),
    ...(expires === undefined ? {} : { expiresMs: expires, expiresAt: new Date(expires).toISOString() }),
    work: JSON.parse(r.work as string) as DeadlineWork,
    findingKey: r.finding_key as string,
    commandId: r.command_id as string,
    attempts: num(r.attempts ?? 0),
  };
};
