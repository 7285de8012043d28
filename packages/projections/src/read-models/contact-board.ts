import { nextContactDue } from '@dossier/core';
import type { Tier } from '@dossier/core';
import type { Projection, ProjectionContext } from '../projection';
import { archiveKey, keyedRows, NO_KEYS } from './keyed-rows';
import type { Row } from './sql';

const withDue = (r: Row, ctx: ProjectionContext): Row => {
  const input = {
    tier: r.tier as Tier,
    tierSince: r.tier_since as string,
    lastContact: {
      ...(r.last_phone ? { phone: r.last_phone as string } : {}),
      ...(r.last_visit ? { visit: r.last_visit as string } : {}),
    },
  };
  return {
    ...r,
    phone_due: nextContactDue(ctx.config, input, 'phone'),
    visit_due: nextContactDue(ctx.config, input, 'visit'),
  };
};

const CHANGES_CONTACTS = new Set([
  'ArchiveCreated',
  'ArchiveDestroyed',
  'CustodianChanged',
  'ContactLogged',
  'TierChanged',
]);

/** 4. Contact board 客户联络一览表 (000 §六.2): per archive and staff member, last and next phone / visit. */
export const contactBoard = (): Projection =>
  keyedRows({
    name: 'contact-board',
    version: 1,
    table: 'contact_board',
    // every row is one archive's
    perStream: true,
    // no event's metadata
    readsMetadataOf: [],
    key: ['archive_id'],
    async createTables(ctx) {
      const t = ctx.table('contact_board');
      await ctx.db.schema
        .createTable(t)
        .ifNotExists()
        .addColumn('archive_id', 'text', (c) => c.primaryKey())
        .addColumn('custodian_id', 'text', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('tier_since', 'text', (c) => c.notNull())
        .addColumn('last_phone', 'text')
        .addColumn('last_visit', 'text')
        .addColumn('phone_due', 'text', (c) => c.notNull())
        .addColumn('visit_due', 'text', (c) => c.notNull())
        .execute();
    },
    indexes: [{ table: 'contact_board', name: 'custodian', columns: ['custodian_id', 'phone_due'] }],
    creates: (e) => e.kind === 'archive' && e.event.type === 'ArchiveCreated',
    // the next dues follow from the tier and the last contacts: computed when the row is written
    finish: withDue,
    touches: (e) =>
      e.kind === 'archive' && CHANGES_CONTACTS.has(e.event.type) ? archiveKey(e.archiveId) : NO_KEYS,
    reduce(row, e) {
      if (e.kind !== 'archive') return row;
      const { event } = e;
      if (event.type === 'ArchiveCreated') {
        const d = event.data;
        return {
          archive_id: d.archiveId,
          custodian_id: d.custodian.id,
          tier: d.tier,
          tier_since: d.createdAt,
          last_phone: null,
          last_visit: null,
        };
      }
      if (!row) return row;
      switch (event.type) {
        case 'ArchiveDestroyed':
          return null;
        case 'CustodianChanged':
          return { ...row, custodian_id: event.data.to.id };
        case 'TierChanged':
          return { ...row, tier: event.data.to, tier_since: event.data.at };
        case 'ContactLogged': {
          const column =
            event.data.channel === 'phone'
              ? 'last_phone'
              : event.data.channel === 'visit'
                ? 'last_visit'
                : undefined;
          if (!column || (row[column] && (row[column] as string) >= event.data.at)) return row;
          return { ...row, [column]: event.data.at };
        }
        default:
          return row;
      }
    },
  });
