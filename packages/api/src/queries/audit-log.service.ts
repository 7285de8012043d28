import { Inject, Injectable } from '@nestjs/common';
import type * as t from 'io-ts';
import { problems } from '../http/problem';
import { withholdPersonal } from './personal-values';
import type { ChangesQuery, ReadsQuery } from './query-codecs';
import type { Page } from './read-models.service';
import { ReadModelsService, decimal } from './read-models.service';
import { afterHistoryCursor } from './history-cursor';

/** Compliance: who changed what, from what to what, when, why — and who read it (DOMAIN.md §8). */
@Injectable()
export class AuditLogService {
  constructor(@Inject(ReadModelsService) private readonly readModels: ReadModelsService) {}

  async changes(q: t.TypeOf<typeof ChangesQuery>): Promise<Page<unknown>> {
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db
      .selectFrom(this.readModels.table('change-history', 'change_history'))
      .selectAll();
    if (q.actor !== undefined) query = query.where('actor_id', '=', q.actor);
    if (q.archive !== undefined) query = query.where('archive_id', '=', q.archive);
    if (q.role !== undefined) query = query.where('actor_role', '=', q.role);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<=', q.to);
    if (q.cursor !== undefined) query = query.where(afterHistoryCursor(q.cursor));
    const rows = await query
      .orderBy('position')
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    return this.readModels.page(
      rows,
      limit,
      (r) => ({
        archiveId: r.archive_id as string,
        position: decimal(r.position),
        revision: decimal(r.revision),
        eventType: r.event_type as string,
        field: r.field as string,
        before: withholdPersonal(r.before === null ? null : JSON.parse(r.before as string)),
        after: withholdPersonal(r.after === null ? null : JSON.parse(r.after as string)),
        actor: { id: r.actor_id as string, role: r.actor_role as string },
        at: r.at as string,
        reason: (r.reason as string | null) ?? null,
      }),
      (r) => `${decimal(r.position)}.${String(r.seq)}`,
    );
  }

  async reads(q: t.TypeOf<typeof ReadsQuery>): Promise<Page<unknown>> {
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db.selectFrom(this.readModels.table('read-log', 'read_log')).selectAll();
    if (q.archive !== undefined) query = query.where('archive_id', '=', q.archive);
    if (q.actor !== undefined) query = query.where('reader_id', '=', q.actor);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<=', q.to);
    if (q.cursor !== undefined) {
      if (!/^\d+$/.test(q.cursor))
        throw problems.badRequest('cursor: not a cursor of this list', [
          { path: 'query:cursor', rule: 'must come from `next`' },
        ]);
      query = query.where('position', '>', q.cursor);
    }
    const rows = await query
      .orderBy('position')
      .limit(limit + 1)
      .execute();
    return this.readModels.page(
      rows,
      limit,
      (r) => ({
        position: decimal(r.position),
        archiveId: r.archive_id as string,
        reader: {
          id: r.reader_id as string,
          role: r.reader_role as string,
          department: r.reader_department as string,
        },
        grant: r.grant_used as string,
        at: r.at as string,
      }),
      (r) => decimal(r.position),
    );
  }
}
