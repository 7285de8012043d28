import { slaDeadlines } from '@dossier/core';
import type { Projection } from '../projection';
import { bool, update, upsert } from './sql';

/** 5. SLA board: information receipts and their update deadlines (DOMAIN.md §3); the state is judged at query time. */
export const slaBoard: Projection = {
  name: 'sla-board',
  version: 1,
  tables: ['sla_board'],
  async createTables(ctx) {
    const t = ctx.table('sla_board');
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('receipt_id', 'text', (c) => c.notNull())
      .addColumn('custodian_id', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('received_by', 'text', (c) => c.notNull())
      .addColumn('warn_at', 'text', (c) => c.notNull())
      .addColumn('breach_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('warned', 'integer', (c) => c.notNull())
      .addColumn('breached', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${t}_pk`, ['archive_id', 'receipt_id'])
      .execute();
    await ctx.db.schema
      .createIndex(`${t}_open`)
      .ifNotExists()
      .on(t)
      .columns(['resolved_at', 'breach_at'])
      .execute();
  },
  async apply(ctx, e) {
    if (e.kind !== 'archive') return;
    const { event } = e;
    const key = (receiptId: string) => ({ archive_id: e.archiveId, receipt_id: receiptId });
    switch (event.type) {
      case 'InformationReceived': {
        const d = slaDeadlines(ctx.config, event.data.receivedAt);
        return upsert(ctx, 'sla_board', ['archive_id', 'receipt_id'], {
          ...key(event.data.receiptId),
          custodian_id: null,
          channel: event.data.channel,
          received_at: event.data.receivedAt,
          received_by: event.data.receivedBy.id,
          warn_at: d.warnAt,
          breach_at: d.breachAt,
          resolved_at: null,
          warned: bool(false),
          breached: bool(false),
        });
      }
      case 'ArchiveUpdated':
        for (const id of event.data.resolves)
          await update(ctx, 'sla_board', key(id), { resolved_at: event.data.at });
        return;
      case 'UpdateSlaWarned':
        return update(ctx, 'sla_board', key(event.data.receiptId), { warned: bool(true) });
      case 'UpdateSlaBreached':
        return update(ctx, 'sla_board', key(event.data.receiptId), {
          warned: bool(true),
          breached: bool(true),
        });
      default:
        return;
    }
  },
};
