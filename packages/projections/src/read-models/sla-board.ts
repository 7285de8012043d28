import { slaDeadlines } from '@dossier/core';
import type { Projection } from '../projection';
import { keyedRows, NO_KEYS } from './keyed-rows';
import { bool } from './sql';

/** 5. SLA board: information receipts and their update deadlines (DOMAIN.md §3); the state is judged at query time. */
export const slaBoard = (): Projection =>
  keyedRows({
    name: 'sla-board',
    version: 1,
    table: 'sla_board',
    // every row is one archive's
    perStream: true,
    // no event's metadata
    readsMetadataOf: [],
    key: ['archive_id', 'receipt_id'],
    async createTables(ctx) {
      const t = ctx.table('sla_board');
      await ctx.db.schema
        .createTable(t)
        .ifNotExists()
        .addColumn('archive_id', 'text', (c) => c.notNull())
        .addColumn('receipt_id', 'text', (c) => c.notNull())
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
    },
    indexes: [{ table: 'sla_board', name: 'open', columns: ['resolved_at', 'breach_at'] }],
    creates: (e) => e.kind === 'archive' && e.event.type === 'InformationReceived',
    touches(e) {
      if (e.kind !== 'archive') return NO_KEYS;
      const { event } = e;
      switch (event.type) {
        case 'InformationReceived':
        case 'UpdateSlaWarned':
        case 'UpdateSlaBreached':
          return [[e.archiveId, event.data.receiptId]];
        case 'ArchiveUpdated':
          return event.data.resolves.length === 0
            ? NO_KEYS
            : event.data.resolves.map((id) => [e.archiveId, id]);
        default:
          return NO_KEYS;
      }
    },
    reduce(row, e, key, ctx) {
      if (e.kind !== 'archive') return row;
      const { event } = e;
      if (event.type === 'InformationReceived') {
        const d = slaDeadlines(ctx.config, event.data.receivedAt);
        return {
          archive_id: e.archiveId,
          receipt_id: event.data.receiptId,
          channel: event.data.channel,
          received_at: event.data.receivedAt,
          received_by: event.data.receivedBy.id,
          warn_at: d.warnAt,
          breach_at: d.breachAt,
          resolved_at: null,
          warned: bool(false),
          breached: bool(false),
        };
      }
      if (!row) return row;
      if (event.type === 'ArchiveUpdated')
        return row.resolved_at ? row : { ...row, resolved_at: event.data.at };
      if (event.type === 'UpdateSlaWarned') return { ...row, warned: bool(true) };
      if (event.type === 'UpdateSlaBreached') return { ...row, warned: bool(true), breached: bool(true) };
      void key;
      return row;
    },
  });
