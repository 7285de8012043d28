import { Inject, Injectable } from '@nestjs/common';
import type * as t from 'io-ts';
import type { Tier } from '@dossier/core';
import { cadenceState, localDate, slaState } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import type { ContactBoardQuery, SlaBoardQuery } from './query-codecs';
import type { Page } from './read-models.service';
import { ReadModelsService } from './read-models.service';

const pairCursor = (cursor: string | undefined): [string, string] | undefined => {
  if (cursor === undefined) return undefined;
  const i = cursor.indexOf('/');
  if (i < 0)
    throw problems.badRequest('cursor: not a cursor of this list', [
      { path: 'query:cursor', rule: 'must come from `next`' },
    ]);
  return [decodeURIComponent(cursor.slice(0, i)), decodeURIComponent(cursor.slice(i + 1))];
};
const toPairCursor = (a: string, b: string) => `${encodeURIComponent(a)}/${encodeURIComponent(b)}`;

/** The contact board 客户联络一览表 (000 §六.2) and the update-SLA board (DOMAIN.md §3), judged at query time. */
@Injectable()
export class BoardsService {
  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
  ) {}

  async contacts(q: t.TypeOf<typeof ContactBoardQuery>): Promise<Page<unknown> & { today: string }> {
    const { config } = this.dossier;
    const now = this.dossier.clock.now();
    const today = localDate(now, config.timeZone);
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db
      .selectFrom(this.readModels.table('contact-board', 'contact_board'))
      .selectAll();
    if (q.custodian !== undefined) query = query.where('custodian_id', '=', q.custodian);
    if (q.tier !== undefined) query = query.where('tier', '=', q.tier);
    if (q.state !== undefined) {
      const op = q.state === 'overdue' ? '<' : q.state === 'due' ? '=' : '>';
      const channels = q.channel ? [q.channel] : (['phone', 'visit'] as const);
      query = query.where((eb) => eb.or(channels.map((c) => eb(`${c}_due`, op, today))));
    }
    if (q.cursor !== undefined) query = query.where('archive_id', '>', q.cursor);
    const rows = await query
      .orderBy('archive_id')
      .limit(limit + 1)
      .execute();
    const page = this.readModels.page(
      rows,
      limit,
      (r) => ({
        archiveId: r.archive_id as string,
        custodian: r.custodian_id as string,
        tier: r.tier as Tier,
        visitWith: config.cadence[r.tier as Tier].visitWith,
        phone: {
          last: (r.last_phone as string | null) ?? null,
          dueOn: r.phone_due as string,
          state: cadenceState(config, r.phone_due as string, now),
        },
        visit: {
          last: (r.last_visit as string | null) ?? null,
          dueOn: r.visit_due as string,
          state: cadenceState(config, r.visit_due as string, now),
        },
      }),
      (r) => r.archive_id as string,
    );
    return { ...page, today };
  }

  async sla(q: t.TypeOf<typeof SlaBoardQuery>): Promise<Page<unknown> & { now: string }> {
    const { config } = this.dossier;
    const now = this.dossier.clock.now().toISOString();
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db.selectFrom(this.readModels.table('sla-board', 'sla_board')).selectAll();
    if (q.archive !== undefined) query = query.where('archive_id', '=', q.archive);
    if (q.receivedBy !== undefined) query = query.where('received_by', '=', q.receivedBy);
    switch (q.state) {
      case 'open':
        query = query.where('resolved_at', 'is', null);
        break;
      case 'on_time':
        query = query.where('resolved_at', 'is', null).where('warn_at', '>', now);
        break;
      case 'warned':
        query = query
          .where('resolved_at', 'is', null)
          .where('warn_at', '<=', now)
          .where('breach_at', '>', now);
        break;
      case 'breached':
        query = query.where('resolved_at', 'is', null).where('breach_at', '<=', now);
        break;
      case 'resolved_on_time':
        query = query.where('resolved_at', 'is not', null).whereRef('resolved_at', '<', 'breach_at');
        break;
      case 'resolved_late':
        query = query.where('resolved_at', 'is not', null).whereRef('resolved_at', '>=', 'breach_at');
        break;
      default:
        break;
    }
    const after = pairCursor(q.cursor);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('archive_id', '>', after[0]),
          eb.and([eb('archive_id', '=', after[0]), eb('receipt_id', '>', after[1])]),
        ]),
      );
    const rows = await query
      .orderBy('archive_id')
      .orderBy('receipt_id')
      .limit(limit + 1)
      .execute();
    const page = this.readModels.page(
      rows,
      limit,
      (r) => ({
        archiveId: r.archive_id as string,
        receiptId: r.receipt_id as string,
        channel: r.channel as string,
        receivedAt: r.received_at as string,
        receivedBy: r.received_by as string,
        warnAt: r.warn_at as string,
        breachAt: r.breach_at as string,
        resolvedAt: (r.resolved_at as string | null) ?? null,
        warnedRecorded: Boolean(r.warned),
        breachedRecorded: Boolean(r.breached),
        state: slaState(
          config,
          {
            receivedAt: r.received_at as string,
            ...(r.resolved_at ? { resolvedAt: r.resolved_at as string } : {}),
          },
          now,
        ),
      }),
      (r) => toPairCursor(r.archive_id as string, r.receipt_id as string),
    );
    return { ...page, now };
  }
}
