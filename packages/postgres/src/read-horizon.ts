/*
 * LATE COMMITS: how readers of the global log never skip an event.
 *
 * Global positions come from a sequence and are taken inside the append transaction, but transactions commit
 * in any order: position 11 can be committed and visible while position 10 is still in flight. A reader that
 * returned 11 and then moved its cursor past it would never see 10. So readers only read up to the HORIZON H:
 * a position such that every position <= H belongs to a transaction that has already ended.
 *
 * Writer (the append statement of append-sql.ts, inside the append transaction, in this order):
 *   W1. c := the sequence's last handed-out value (read, not consumed);
 *   W2. take a SHARED transaction-level advisory lock whose 64-bit key is (tag << 48) | m, the MARKER m = c + 1;
 *   W3. take positions with nextval: each one is > c, i.e. >= m;
 *   W4. insert and commit. The lock goes away only when the transaction ends.
 *   (W1 and W2 are the `marker` CTE: the key is computed from pg_sequence_last_value(). W3 is the `positions`
 *   CTE, whose nextval runs once per row of the materialized `marker`, a row that exists only after the lock
 *   call has returned. Sequences are not transactional: W1 and R1 see every nextval that has returned.)
 * Reader (read_horizon(), statements in this order, each with its own snapshot):
 *   R1. L := the sequence's last handed-out value;
 *   R2. M := the smallest marker among this schema's marker locks in pg_locks (granted or awaited);
 *   R3. H := min(L, M - 1); and the rows are read by a LATER statement, with a snapshot taken after R2.
 *
 * Why no event is ever skipped: take any position q <= H, handed out to transaction T. Since q <= L, nextval
 * returned q before R1, and T took its marker lock (with m_T <= q) before that (W2 before W3). Had T still
 * been running at R2, pg_locks would have listed m_T, giving M <= m_T <= q and H <= q - 1 < q: contradiction.
 * So T had ended before R2. PostgreSQL makes a committed transaction visible to new snapshots before it
 * releases its locks, so every snapshot taken after R2 sees T's rows, or none if T rolled back (a hole that
 * stays a hole). A read bounded by H therefore returns every event at or below H that will ever exist: once a
 * reader has seen position p, no event can appear below p later.
 *
 * Why it stays fast: marker locks are shared, so writers never wait for each other or for readers (only
 * appends to the same stream queue on its row lock) and concurrent commits share WAL flushes (group commit).
 * H lags behind L only while an append that started earlier is still running. The horizon never shrinks (a
 * new marker is above every horizon computed before it), so the store caches the highest one and asks the
 * server again only when a read reaches it.
 * Anything else that shows up in pg_locks with the same tag (another Dossier schema in the same database with
 * a colliding 14-bit hash, a foreign advisory lock in this key range) can only lower H: a delay, never a skip.
 *
 * Rejected: serialising position allocation with an exclusive lock held to commit (correct, but commits then
 * flush one at a time, far below the 16-writer target), and reading only rows whose xid is below the
 * snapshot's xmin (wrong on its own: a transaction can take a lower position yet a higher xid than one that
 * commits first, so the reader would pass over it).
 */
import type { Pool } from 'pg';
import type { SchemaNames } from './schema-names';

export interface Horizon {
  /** Every position at or below this is final: no event can appear there any more. */
  readonly safe: bigint;
  /** The highest event position at or below `safe` (0n when there is none). */
  readonly head: bigint;
}

/** The client side of the rule: the highest horizon seen so far, refreshed from the server on demand. */
export const readHorizon = (pool: Pool, names: SchemaNames) => {
  let known: Horizon = { safe: 0n, head: 0n };
  const text = `SELECT safe, head FROM ${names.q}.read_horizon()`;
  return {
    /** The horizon as last computed (never ahead of the truth; possibly behind it). */
    cached: (): Horizon => known,
    async refresh(): Promise<Horizon> {
      const res = await pool.query<[string, string]>({
        name: `${names.schema}.read_horizon`,
        text,
        rowMode: 'array',
      });
      const [safe, head] = res.rows[0]!;
      const fresh = { safe: BigInt(safe), head: BigInt(head) };
      if (fresh.safe > known.safe) known = fresh;
      return known;
    },
  };
};

export type ReadHorizon = ReturnType<typeof readHorizon>;
