import { nextContactDue } from '@dossier/core';
import type { Tier } from '@dossier/core';
import type { Projection, ProjectionContext } from '../projection';
import { update, upsert } from './sql';

interface Row {
  archive_id: string;
  custodian_id: string;
  tier: Tier;
  tier_since: string;
  last_phone: string | null;
  last_visit: string | null;
}

const withDue = (ctx: ProjectionContext, r: Row) => {
  const input = {
    tier: r.tier,
    tierSince: r.tier_since,
    lastContact: {
      ...(r.last_phone ? { phone: r.last_phone } : {}),
      ...(r.last_visit ? { visit: r.last_visit } : {}),
    },
  };
  return {
    ...r,
    phone_due: nextContactDue(ctx.config, input, 'phone'),
    visit_due: nextContactDue(ctx.config, input, 'visit'),
  };
};

/** 4. Contact board 客户联络一览表 (000 §六.2): per archive and staff member, last and next phone / visit. */
export const contactBoard: Projection = {
  name: 'contact-board',
  version: 1,
  tables: ['contact_board'],
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
    await ctx.db.schema
      .createIndex(`${t}_custodian`)
      .ifNotExists()
      .on(t)
      .columns(['custodian_id', 'phone_due'])
      .execute();
  },
  async apply(ctx, e) {
    if (e.kind !== 'archive') return;
    const { event } = e;
    const t = ctx.table('contact_board');
    if (event.type === 'ArchiveCreated') {
      const d = event.data;
      const row: Row = {
        archive_id: d.archiveId,
        custodian_id: d.custodian.id,
        tier: d.tier,
        tier_since: d.createdAt,
        last_phone: null,
        last_visit: null,
      };
      return upsert(ctx, 'contact_board', ['archive_id'], withDue(ctx, row));
    }
    if (event.type === 'ArchiveDestroyed') {
      await ctx.db.deleteFrom(t).where('archive_id', '=', e.archiveId).execute();
      return;
    }
    if (event.type === 'CustodianChanged')
      return update(ctx, 'contact_board', { archive_id: e.archiveId }, { custodian_id: event.data.to.id });
    if (event.type !== 'ContactLogged' && event.type !== 'TierChanged') return;
    const row = (await ctx.db
      .selectFrom(t)
      .selectAll()
      .where('archive_id', '=', e.archiveId)
      .executeTakeFirst()) as Row | undefined;
    if (!row) return;
    let next: Row = row;
    if (event.type === 'TierChanged') next = { ...row, tier: event.data.to, tier_since: event.data.at };
    else if (event.data.channel === 'phone' && (!row.last_phone || event.data.at > row.last_phone))
      next = { ...row, last_phone: event.data.at };
    else if (event.data.channel === 'visit' && (!row.last_visit || event.data.at > row.last_visit))
      next = { ...row, last_visit: event.data.at };
    const { archive_id: _id, ...set } = withDue(ctx, next);
    return update(ctx, 'contact_board', { archive_id: e.archiveId }, set);
  },
};
