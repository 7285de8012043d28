import type { Projection } from '../projection';
import { forEachEvent } from '../projection';
import { appendRows } from './sql';

/** 9. Read log: who read which archive's detail, when, under which grant (DOMAIN.md §6). */
export const readLog: Projection = {
  name: 'read-log',
  // v2: keyed by (archive, position), not position: a rebuild reads stream by stream (see change-history)
  version: 2,
  tables: ['read_log'],
  // rows by event
  perStream: true,
  // no event's metadata
  readsMetadataOf: [],
  async createTables(ctx) {
    const t = ctx.table('read_log');
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('reader_id', 'text', (c) => c.notNull())
      .addColumn('reader_role', 'text', (c) => c.notNull())
      .addColumn('reader_department', 'text', (c) => c.notNull())
      .addColumn('grant_used', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${t}_pk`, ['archive_id', 'position'])
      .execute();
  },
  indexes: [
    { table: 'read_log', name: 'archive', columns: ['archive_id', 'at'] },
    { table: 'read_log', name: 'reader', columns: ['reader_id', 'at'] },
  ],
  async applyBatch(ctx, events) {
    const rows = forEachEvent(events, (e) =>
      e.kind !== 'read'
        ? []
        : [
            {
              position: e.recorded.position.toString(),
              archive_id: e.read.archiveId,
              reader_id: e.read.reader.id,
              reader_role: e.read.reader.role,
              reader_department: e.read.reader.department,
              grant_used: e.read.grant,
              at: e.read.at,
            },
          ],
    ).flat();
    await appendRows(ctx, 'read_log', ['archive_id', 'position'], rows);
  },
};
