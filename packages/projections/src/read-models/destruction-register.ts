import type { Projection } from '../projection';
import { forEachEvent } from '../projection';
import { appendRows, bool, json } from './sql';

/** 7. Destruction register 销毁清册 (DOMAIN.md §7): kept forever, no personal information. */
export const destructionRegister: Projection = {
  name: 'destruction-register',
  version: 1,
  tables: ['destruction_register'],
  // rows by archive
  perStream: true,
  // no event's metadata
  readsMetadataOf: [],
  async createTables(ctx) {
    await ctx.db.schema
      .createTable(ctx.table('destruction_register'))
      .ifNotExists()
      .addColumn('destruction_id', 'text', (c) => c.notNull())
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('archive_number', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('retention_required', 'integer', (c) => c.notNull())
      .addColumn('retention_until', 'text')
      .addColumn('secrecy_level', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text', (c) => c.notNull())
      .addColumn('witnesses', 'text', (c) => c.notNull())
      .addColumn('executed_by', 'text', (c) => c.notNull())
      .addColumn('destroyed_at', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${ctx.table('destruction_register')}_pk`, ['archive_id', 'destruction_id'])
      .execute();
  },
  async applyBatch(ctx, events) {
    const rows = forEachEvent(events, (e) => {
      if (e.kind !== 'archive' || e.event.type !== 'ArchiveDestroyed') return [];
      const d = e.event.data;
      return [
        {
          destruction_id: d.destructionId,
          archive_id: e.archiveId,
          archive_number: d.archiveNumber,
          reason: d.reason,
          basis: d.basis,
          retention_required: bool(d.retentionRequired),
          retention_until: d.retentionUntil ?? null,
          secrecy_level: d.secrecyLevel,
          requested_by: d.requestedBy.id,
          approved_by: d.approvedBy.id,
          witnesses: json(d.witnesses.map((w) => w.id)),
          executed_by: d.executedBy.id,
          destroyed_at: d.destroyedAt,
          method: d.method,
          position: e.recorded.position.toString(),
        },
      ];
    }).flat();
    await appendRows(ctx, 'destruction_register', ['archive_id', 'destruction_id'], rows);
  },
};
