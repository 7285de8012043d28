// A batch of events folded into the changes it makes to the deadline tables, written in a few statements.
import type { Tier } from '@dossier/core';
import type { ProjectionContext } from '@dossier/projections';
import type { Deadline } from './schedule';
import { ARCHIVES, DEADLINES, TRANSACTIONS, toRow } from './deadline-rows';

/** What the cadence and the tier review need of one archive. */
export interface ArchiveRow {
  archive_id: string;
  tier: Tier;
  tier_since: string;
  last_phone: string | null;
  last_visit: string | null;
  created_at: string;
  status: 'open' | 'destroyed';
}

export interface TransactionRow {
  archive_id: string;
  transaction_id: string;
  at_ms: number;
  minor: number;
  currency: string;
}

/** The last word of the batch on one (archive, slot). */
type SlotChange =
  | { readonly op: 'put'; readonly deadline: Deadline }
  | { readonly op: 'delete' }
  /** Delete the stored row only if it holds one of these findings (an event replaced it otherwise). */
  | { readonly op: 'delete_if'; readonly keys: readonly string[] }
  /** Put unless the stored row falls due later (the yearly review moves forward only). */
  | { readonly op: 'advance'; readonly deadline: Deadline }
  | { readonly op: 'insert_if_absent'; readonly deadline: Deadline };

const slotKey = (archiveId: string, slot: string) => `${archiveId}\u0000${slot}`;

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

const deadlineColumns = [
  'kind',
  'due_at',
  'due_ms',
  'expires_ms',
  'work',
  'finding_key',
  'command_id',
  'lease_owner',
  'lease_until_ms',
  'attempts',
  'last_error',
] as const;

/**
 * The changes of one batch. Events are folded in order in memory (each sees the ones before it), then
 * `write` applies the net result: a deadline put and removed within the batch is never written at all.
 */
export class DeadlineChanges {
  private readonly slots = new Map<string, { archiveId: string; slot: string; change: SlotChange }>();
  private readonly archives = new Map<string, ArchiveRow | undefined>();
  private readonly changedArchives = new Set<string>();
  private readonly destroyed = new Set<string>();
  private readonly transactions: TransactionRow[] = [];

  constructor(loaded: readonly ArchiveRow[]) {
    for (const a of loaded) this.archives.set(a.archive_id, a);
  }

  archive(archiveId: string): ArchiveRow | undefined {
    return this.archives.get(archiveId);
  }

  setArchive(row: ArchiveRow): void {
    this.archives.set(row.archive_id, row);
    this.changedArchives.add(row.archive_id);
  }

  put(deadlines: readonly Deadline[]): void {
    for (const d of deadlines) this.set(d.archiveId, d.slot, { op: 'put', deadline: d });
  }

  remove(archiveId: string, slot: string): void {
    this.set(archiveId, slot, { op: 'delete' });
  }

  /** Remove the deadline only if it is still the one for this finding. */
  removeIf(archiveId: string, slot: string, findingKey: string): void {
    const now = this.slots.get(slotKey(archiveId, slot))?.change;
    if (!now) return this.set(archiveId, slot, { op: 'delete_if', keys: [findingKey] });
    if (now.op === 'delete_if')
      return this.set(archiveId, slot, { op: 'delete_if', keys: [...now.keys, findingKey] });
    if (now.op !== 'delete' && now.deadline.findingKey === findingKey)
      this.set(archiveId, slot, { op: 'delete' });
  }

  advance(d: Deadline): void {
    const now = this.slots.get(slotKey(d.archiveId, d.slot))?.change;
    if (!now || now.op === 'delete_if') return this.set(d.archiveId, d.slot, { op: 'advance', deadline: d });
    if (now.op === 'delete') return this.set(d.archiveId, d.slot, { op: 'put', deadline: d });
    if (Date.parse(now.deadline.dueAt) >= Date.parse(d.dueAt)) return;
    this.set(
      d.archiveId,
      d.slot,
      now.op === 'put' ? { op: 'put', deadline: d } : { op: 'advance', deadline: d },
    );
  }

  insertIfAbsent(d: Deadline): void {
    if (!this.slots.has(slotKey(d.archiveId, d.slot)))
      this.set(d.archiveId, d.slot, { op: 'insert_if_absent', deadline: d });
  }

  addTransaction(row: TransactionRow): void {
    this.transactions.push(row);
  }

  /** Every deadline and transaction of the archive goes; so do the changes of this batch to them. */
  destroy(archiveId: string): void {
    this.destroyed.add(archiveId);
    for (const [k, v] of this.slots) if (v.archiveId === archiveId) this.slots.delete(k);
    const a = this.archives.get(archiveId);
    if (a) this.setArchive({ ...a, status: 'destroyed' });
  }

  private set(archiveId: string, slot: string, change: SlotChange): void {
    if (this.destroyed.has(archiveId)) return;
    this.slots.set(slotKey(archiveId, slot), { archiveId, slot, change });
  }

  /** Write the net changes inside the runner's transaction. */
  async write(ctx: ProjectionContext): Promise<void> {
    const d = ctx.table(DEADLINES);
    const db = ctx.db;
    const destroyed = [...this.destroyed];
    for (const ids of chunks(destroyed, 500)) {
      await db.deleteFrom(d).where('archive_id', 'in', ids).execute();
      await db.deleteFrom(ctx.table(TRANSACTIONS)).where('archive_id', 'in', ids).execute();
    }
    const all = [...this.slots.values()];
    const deletes = all.filter((s) => s.change.op === 'delete');
    for (const part of chunks(deletes, 200))
      await db
        .deleteFrom(d)
        .where((eb) =>
          eb.or(part.map((s) => eb.and([eb('archive_id', '=', s.archiveId), eb('slot', '=', s.slot)]))),
        )
        .execute();
    const conditional = all.flatMap((s) =>
      s.change.op === 'delete_if' ? [{ ...s, keys: s.change.keys }] : [],
    );
    for (const part of chunks(conditional, 200))
      await db
        .deleteFrom(d)
        .where((eb) =>
          eb.or(
            part.map((s) =>
              eb.and([
                eb('archive_id', '=', s.archiveId),
                eb('slot', '=', s.slot),
                eb('finding_key', 'in', [...s.keys]),
              ]),
            ),
          ),
        )
        .execute();
    const rowsOf = (op: SlotChange['op']) =>
      all.flatMap((s) => (s.change.op === op && 'deadline' in s.change ? [toRow(s.change.deadline)] : []));
    for (const part of chunks(rowsOf('put'), 1000))
      await db
        .insertInto(d)
        .values(part)
        .onConflict((oc) =>
          oc
            .columns(['archive_id', 'slot'])
            .doUpdateSet((eb) =>
              Object.fromEntries(deadlineColumns.map((c) => [c, eb.ref(`excluded.${c}`)])),
            ),
        )
        .execute();
    for (const part of chunks(rowsOf('advance'), 1000))
      await db
        .insertInto(d)
        .values(part)
        .onConflict((oc) =>
          oc
            .columns(['archive_id', 'slot'])
            .doUpdateSet((eb) => Object.fromEntries(deadlineColumns.map((c) => [c, eb.ref(`excluded.${c}`)])))
            .where((eb) => eb(eb.ref(`${d}.due_ms`), '<', eb.ref('excluded.due_ms'))),
        )
        .execute();
    for (const part of chunks(rowsOf('insert_if_absent'), 1000))
      await db
        .insertInto(d)
        .values(part)
        .onConflict((oc) => oc.columns(['archive_id', 'slot']).doNothing())
        .execute();
    const archives = [...this.changedArchives].flatMap((id) => {
      const a = this.archives.get(id);
      return a ? [a] : [];
    });
    for (const part of chunks(archives, 1000))
      await db
        .insertInto(ctx.table(ARCHIVES))
        .values(part)
        .onConflict((oc) =>
          oc
            .column('archive_id')
            .doUpdateSet((eb) =>
              Object.fromEntries(
                ['tier', 'tier_since', 'last_phone', 'last_visit', 'status'].map((c) => [
                  c,
                  eb.ref(`excluded.${c}`),
                ]),
              ),
            ),
        )
        .execute();
    const transactions = this.transactions.filter((t) => !this.destroyed.has(t.archive_id));
    for (const part of chunks(transactions, 1000))
      await db
        .insertInto(ctx.table(TRANSACTIONS))
        .values(part)
        .onConflict((oc) => oc.columns(['archive_id', 'transaction_id']).doNothing())
        .execute();
  }
}
