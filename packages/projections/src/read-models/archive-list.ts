import type { Projection } from '../projection';
import { pos, update, upsert } from './sql';

/** 1. Archive list: filter by tier, status, industry, region, nature, custodian, secrecy; search by name. */
export const archiveList: Projection = {
  name: 'archive-list',
  version: 1,
  tables: ['archive_list'],
  async createTables(ctx) {
    await ctx.db.schema
      .createTable(ctx.table('archive_list'))
      .ifNotExists()
      .addColumn('archive_id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('short_name', 'text')
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('customer_status', 'text', (c) => c.notNull())
      .addColumn('industry', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('nature', 'text', (c) => c.notNull())
      .addColumn('custodian_id', 'text', (c) => c.notNull())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('secrecy_level', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .execute();
    for (const col of ['tier', 'industry', 'region', 'custodian_id', 'name'])
      await ctx.db.schema
        .createIndex(`${ctx.table('archive_list')}_${col}`)
        .ifNotExists()
        .on(ctx.table('archive_list'))
        .columns([col, 'archive_id'])
        .execute();
  },
  async apply(ctx, e) {
    if (e.kind !== 'archive') return;
    const { event, recorded } = e;
    const at = { revision: pos(recorded.revision), position: pos(recorded.position) };
    const where = { archive_id: e.archiveId };
    switch (event.type) {
      case 'ArchiveCreated': {
        const d = event.data;
        return upsert(ctx, 'archive_list', ['archive_id'], {
          archive_id: d.archiveId,
          number: d.number,
          name: d.profile.company.name,
          short_name: d.profile.company.shortName ?? null,
          tier: d.tier,
          status: 'open',
          customer_status: d.profile.classification.status,
          industry: d.profile.classification.industry,
          region: d.profile.classification.region,
          nature: d.profile.classification.nature,
          custodian_id: d.custodian.id,
          department: d.department,
          secrecy_level: d.secrecyLevel,
          created_at: d.createdAt,
          ...at,
        });
      }
      case 'ArchiveUpdated': {
        const columns: Record<string, string> = {
          'company.name': 'name',
          'company.shortName': 'short_name',
          'classification.status': 'customer_status',
          'classification.industry': 'industry',
          'classification.region': 'region',
          'classification.nature': 'nature',
        };
        const set: Record<string, unknown> = { ...at };
        for (const c of event.data.changes) if (columns[c.field]) set[columns[c.field]!] = c.after;
        return update(ctx, 'archive_list', where, set);
      }
      case 'TierChanged':
        return update(ctx, 'archive_list', where, { tier: event.data.to, ...at });
      case 'CustodianChanged':
        return update(ctx, 'archive_list', where, { custodian_id: event.data.to.id, ...at });
      case 'SecrecyLevelChanged':
        return update(ctx, 'archive_list', where, { secrecy_level: event.data.to, ...at });
      case 'ArchiveDestroyed':
        return update(ctx, 'archive_list', where, { status: 'destroyed', ...at });
      default:
        return update(ctx, 'archive_list', where, at);
    }
  },
};
