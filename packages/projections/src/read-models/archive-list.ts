import type { Projection } from '../projection';
import { archiveKey, keyedRows, NO_KEYS } from './keyed-rows';
import { pos } from './sql';

const columnOfField: Record<string, string> = {
  'company.name': 'name',
  'company.shortName': 'short_name',
  'classification.status': 'customer_status',
  'classification.industry': 'industry',
  'classification.region': 'region',
  'classification.nature': 'nature',
};

/** 1. Archive list: filter by tier, status, industry, region, nature, custodian, secrecy; search by name. */
export const archiveList = (): Projection =>
  keyedRows({
    name: 'archive-list',
    version: 1,
    table: 'archive_list',
    // every row is one archive's
    perStream: true,
    // no event's metadata
    readsMetadataOf: [],
    key: ['archive_id'],
    async createTables(ctx) {
      const t = ctx.table('archive_list');
      await ctx.db.schema
        .createTable(t)
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
    },
    indexes: ['tier', 'industry', 'region', 'custodian_id', 'name'].map((col) => ({
      table: 'archive_list',
      name: col,
      columns: [col, 'archive_id'],
    })),
    creates: (e) => e.kind === 'archive' && e.event.type === 'ArchiveCreated',
    touches: (e) => (e.kind === 'archive' ? archiveKey(e.archiveId) : NO_KEYS),
    reduce(row, e) {
      if (e.kind !== 'archive') return row;
      const { event } = e;
      if (event.type === 'ArchiveCreated') {
        const d = event.data;
        return {
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
        };
      }
      if (!row) return row;
      switch (event.type) {
        case 'ArchiveUpdated': {
          const listed = event.data.changes.filter((c) => columnOfField[c.field]);
          if (listed.length === 0) return row;
          const next: Record<string, unknown> = { ...row };
          for (const c of listed) next[columnOfField[c.field]!] = c.after;
          return next;
        }
        case 'TierChanged':
          return { ...row, tier: event.data.to };
        case 'CustodianChanged':
          return { ...row, custodian_id: event.data.to.id };
        case 'SecrecyLevelChanged':
          return { ...row, secrecy_level: event.data.to };
        case 'ArchiveDestroyed':
          return { ...row, status: 'destroyed' };
        default:
          return row;
      }
    },
    // the revision and position of the archive's last event, whatever it changed
    stamp: (row, e) => ({ ...row, revision: pos(e.recorded.revision), position: pos(e.recorded.position) }),
  });
