import { Inject, Injectable } from '@nestjs/common';
import type * as t from 'io-ts';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import type { BorrowingRegisterQuery, DestructionRegisterQuery } from './query-codecs';
import type { Page } from './read-models.service';
import { ReadModelsService, decimal } from './read-models.service';
import { afterBorrowingCursor, borrowingCursor } from './borrowing-cursor';

/** The borrowing register 借阅登记 and the destruction register 销毁清册. */
@Injectable()
export class RegistersService {
  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
  ) {}

  async borrowings(q: t.TypeOf<typeof BorrowingRegisterQuery>): Promise<Page<unknown>> {
    const now = this.dossier.clock.now().toISOString();
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db
      .selectFrom(this.readModels.table('borrowing-register', 'borrowing_register'))
      .selectAll();
    if (q.archive !== undefined) query = query.where('archive_id', '=', q.archive);
    if (q.requester !== undefined) query = query.where('requester_id', '=', q.requester);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    if (q.overdue === 'true') query = query.where('status', '=', 'lent').where('due_at', '<', now);
    if (q.overdue === 'false')
      query = query.where((eb) => eb.or([eb('status', '!=', 'lent'), eb('due_at', '>=', now)]));
    if (q.cursor !== undefined) query = query.where(afterBorrowingCursor(q.cursor));
    // paged by the register's key: a borrowing id is chosen per archive, two archives may share one
    const rows = await query
      .orderBy('borrowing_id')
      .orderBy('archive_id')
      .limit(limit + 1)
      .execute();
    return this.readModels.page(
      rows,
      limit,
      (r) => ({
        borrowingId: r.borrowing_id as string,
        archiveId: r.archive_id as string,
        requester: {
          id: r.requester_id as string,
          name: (r.requester_name as string | null) ?? null,
          role: r.requester_role as string,
          department: r.department as string,
        },
        purpose: r.purpose as string,
        status: r.status as string,
        requestedAt: r.requested_at as string,
        approver: (r.approver_id as string | null) ?? null,
        lentAt: (r.lent_at as string | null) ?? null,
        dueAt: (r.due_at as string | null) ?? null,
        destination: (r.destination as string | null) ?? null,
        returnedAt: (r.returned_at as string | null) ?? null,
        condition: (r.condition as string | null) ?? null,
        overdue: r.status === 'lent' && typeof r.due_at === 'string' && r.due_at < now,
        overdueRecorded: Boolean(r.overdue_recorded),
      }),
      (r) => borrowingCursor(r.borrowing_id as string, r.archive_id as string),
    );
  }

  async destructions(q: t.TypeOf<typeof DestructionRegisterQuery>): Promise<Page<unknown>> {
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db
      .selectFrom(this.readModels.table('destruction-register', 'destruction_register'))
      .selectAll();
    if (q.archive !== undefined) query = query.where('archive_id', '=', q.archive);
    if (q.from !== undefined) query = query.where('destroyed_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('destroyed_at', '<=', q.to);
    if (q.cursor !== undefined) query = query.where('position', '>', q.cursor);
    const rows = await query
      .orderBy('position')
      .limit(limit + 1)
      .execute();
    return this.readModels.page(
      rows,
      limit,
      (r) => ({
        destructionId: r.destruction_id as string,
        archiveId: r.archive_id as string,
        archiveNumber: r.archive_number as string,
        reason: r.reason as string,
        basis: r.basis as string,
        retentionRequired: Boolean(r.retention_required),
        retentionUntil: (r.retention_until as string | null) ?? null,
        secrecyLevel: r.secrecy_level as string,
        requestedBy: r.requested_by as string,
        approvedBy: r.approved_by as string,
        witnesses: JSON.parse(r.witnesses as string) as string[],
        executedBy: r.executed_by as string,
        destroyedAt: r.destroyed_at as string,
        method: r.method as string,
        position: decimal(r.position),
      }),
      (r) => decimal(r.position),
    );
  }
}
