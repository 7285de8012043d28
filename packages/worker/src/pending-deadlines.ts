import type { CadenceChannel, CadenceInput } from '@dossier/core';
import { findingKey } from '@dossier/core';
import type { ProjectedEvent, Projection, ProjectionContext } from '@dossier/projections';
import { EventFailure } from '@dossier/projections';
import type { ArchiveRow } from './deadline-changes';
import { DeadlineChanges } from './deadline-changes';
import { ARCHIVES, DEADLINES, TRANSACTIONS } from './deadline-rows';
import {
  cadenceChannels,
  contactDeadlinesOf,
  firstYearlyReviewOn,
  nextYearlyReviewOn,
  returnDeadlineOf,
  slaDeadlinesOf,
  tierReviewAfter,
  tierReviewOf,
  yearlyReviewOf,
} from './schedule';

/** The cadence input exactly as the core's archive state holds it, so both compute the same due date. */
const cadenceOf = (a: ArchiveRow): CadenceInput => ({
  tier: a.tier,
  tierSince: a.tier_since,
  lastContact: {
    ...(a.last_phone ? { phone: a.last_phone } : {}),
    ...(a.last_visit ? { visit: a.last_visit } : {}),
  },
});

const contactDeadlines = (ctx: ProjectionContext, a: ArchiveRow, channels: readonly CadenceChannel[]) =>
  channels.flatMap((ch) => contactDeadlinesOf(ctx.config, a.archive_id, cadenceOf(a), ch));

/** The events that read an archive's row (its cadence, its status). */
const readsArchive = new Set(['ContactLogged', 'TierChanged', 'ReviewDue', 'ArchiveDestroyed']);

/** One event's changes to the deadlines (the batch's earlier events already folded in). */
const fold = (ctx: ProjectionContext, c: DeadlineChanges, e: ProjectedEvent): void => {
  if (e.kind !== 'archive') return;
  const { archiveId, event } = e;
  switch (event.type) {
    case 'ArchiveCreated': {
      const d = event.data;
      if (c.archive(archiveId)) return;
      const row: ArchiveRow = {
        archive_id: archiveId,
        tier: d.tier,
        tier_since: d.createdAt,
        last_phone: null,
        last_visit: null,
        created_at: d.createdAt,
        status: 'open',
      };
      c.setArchive(row);
      c.put([
        ...contactDeadlines(ctx, row, cadenceChannels),
        yearlyReviewOf(ctx.config, archiveId, firstYearlyReviewOn(ctx.config, d.createdAt)),
      ]);
      // the review across all archives: scheduled once, from the first archive; the worker moves it on
      c.insertIfAbsent(tierReviewOf(tierReviewAfter(ctx.config, d.createdAt)));
      return;
    }
    case 'InformationReceived':
      return c.put(slaDeadlinesOf(ctx.config, archiveId, event.data.receiptId, event.data.receivedAt));
    case 'ArchiveUpdated':
      for (const receiptId of event.data.resolves) {
        c.remove(archiveId, `sla_warn:${receiptId}`);
        c.remove(archiveId, `sla_breach:${receiptId}`);
      }
      return;
    case 'ContactLogged': {
      const { channel, at } = event.data;
      if (channel === 'other') return;
      const a = c.archive(archiveId);
      const column = channel === 'phone' ? 'last_phone' : 'last_visit';
      const last = a?.[column];
      if (!a || a.status !== 'open' || (last && last >= at)) return; // as the core: the latest contact counts
      const next = { ...a, [column]: at };
      c.setArchive(next);
      return c.put(contactDeadlines(ctx, next, [channel]));
    }
    case 'TierChanged': {
      const a = c.archive(archiveId);
      if (!a || a.status !== 'open') return;
      const next = { ...a, tier: event.data.to, tier_since: event.data.at };
      c.setArchive(next);
      return c.put(contactDeadlines(ctx, next, cadenceChannels)); // a tier change replaces the cadence at once
    }
    case 'TransactionRecorded':
      return c.addTransaction({
        archive_id: archiveId,
        transaction_id: event.data.transactionId,
        at_ms: Date.parse(event.data.at),
        minor: event.data.amount.minor,
        currency: event.data.amount.currency,
      });
    case 'ArchiveLent':
      return c.put([returnDeadlineOf(archiveId, event.data.borrowingId, event.data.dueAt)]);
    case 'ArchiveReturned':
    case 'ReturnOverdue':
      return c.remove(archiveId, `return_overdue:${event.data.borrowingId}`);
    case 'ArchiveDestroyed':
      return c.destroy(archiveId);
    case 'UpdateSlaWarned':
      return c.remove(archiveId, `sla_warn:${event.data.receiptId}`);
    case 'UpdateSlaBreached':
      c.remove(archiveId, `sla_warn:${event.data.receiptId}`);
      return c.remove(archiveId, `sla_breach:${event.data.receiptId}`);
    case 'ContactDue':
      return c.removeIf(archiveId, `contact_due:${event.data.channel}`, findingKey(event));
    case 'ContactOverdue':
      return c.removeIf(archiveId, `contact_overdue:${event.data.channel}`, findingKey(event));
    case 'ReviewDue': {
      if (event.data.kind !== 'yearly_full' || c.archive(archiveId)?.status !== 'open') return;
      return c.advance(
        yearlyReviewOf(ctx.config, archiveId, nextYearlyReviewOn(ctx.config, event.data.dueOn)),
      );
    }
    default:
      return;
  }
};

/**
 * The pending-deadlines read model (issue #6): one row per deadline still to fire, derived from the events —
 * update SLA (§3), contact cadence (§4), return due (§6), the yearly review and the tier review (§5) —
 * with the finding it records and the finding's key. Recorded findings remove or advance their row.
 * A batch is folded in memory and written in a few statements.
 */
export const pendingDeadlines: Projection = {
  name: 'pending-deadlines',
  version: 1,
  tables: [DEADLINES, ARCHIVES, TRANSACTIONS],
  // every row is one archive's, derived from its own events: a rebuild may read the log stream by stream
  perStream: true,
  // no event's metadata
  readsMetadataOf: [],
  async createTables(ctx) {
    const d = ctx.table(DEADLINES);
    await ctx.db.schema
      .createTable(d)
      .ifNotExists()
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('slot', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('due_ms', 'bigint', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint')
      .addColumn('work', 'text', (c) => c.notNull())
      .addColumn('finding_key', 'text', (c) => c.notNull())
      .addColumn('command_id', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until_ms', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addPrimaryKeyConstraint(`${d}_pk`, ['archive_id', 'slot'])
      .execute();
    await ctx.db.schema.createIndex(`${d}_due`).ifNotExists().on(d).column('due_ms').execute();
    await ctx.db.schema
      .createTable(ctx.table(ARCHIVES))
      .ifNotExists()
      .addColumn('archive_id', 'text', (c) => c.primaryKey())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('tier_since', 'text', (c) => c.notNull())
      .addColumn('last_phone', 'text')
      .addColumn('last_visit', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    const t = ctx.table(TRANSACTIONS);
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('transaction_id', 'text', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${t}_pk`, ['archive_id', 'transaction_id'])
      .execute();
    await ctx.db.schema.createIndex(`${t}_at`).ifNotExists().on(t).column('at_ms').execute();
  },
  async applyBatch(ctx, events) {
    const ids = [
      ...new Set(
        events.flatMap((e) =>
          e.kind === 'archive' && (readsArchive.has(e.event.type) || e.event.type === 'ArchiveCreated')
            ? [e.archiveId]
            : [],
        ),
      ),
    ];
    const loaded: ArchiveRow[] = [];
    for (let i = 0; i < ids.length; i += 500)
      loaded.push(
        ...((await ctx.db
          .selectFrom(ctx.table(ARCHIVES))
          .selectAll()
          .where('archive_id', 'in', ids.slice(i, i + 500))
          .execute()) as ArchiveRow[]),
      );
    const changes = new DeadlineChanges(loaded);
    for (const e of events) {
      try {
        fold(ctx, changes, e);
      } catch (err) {
        throw new EventFailure(e.recorded.position, e.recorded.type, err);
      }
    }
    await changes.write(ctx);
  },
};
