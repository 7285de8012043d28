import type { Projection } from '../projection';
import { bool, update, upsert } from './sql';

/** 6. Borrowing register 借阅登记 (DOMAIN.md §6). Overdue is judged at query time, or recorded by the worker. */
export const borrowingRegister: Projection = {
  name: 'borrowing-register',
  version: 1,
  tables: ['borrowing_register'],
  async createTables(ctx) {
    const t = ctx.table('borrowing_register');
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('borrowing_id', 'text', (c) => c.primaryKey())
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('requester_id', 'text', (c) => c.notNull())
      .addColumn('requester_name', 'text')
      .addColumn('requester_role', 'text', (c) => c.notNull())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('approver_id', 'text')
      .addColumn('lent_at', 'text')
      .addColumn('due_at', 'text')
      .addColumn('destination', 'text')
      .addColumn('returned_at', 'text')
      .addColumn('condition', 'text')
      .addColumn('overdue_recorded', 'integer', (c) => c.notNull())
      .execute();
    await ctx.db.schema.createIndex(`${t}_archive`).ifNotExists().on(t).columns(['archive_id']).execute();
    await ctx.db.schema.createIndex(`${t}_due`).ifNotExists().on(t).columns(['status', 'due_at']).execute();
  },
  async apply(ctx, e) {
    if (e.kind !== 'archive') return;
    const { event } = e;
    switch (event.type) {
      case 'BorrowRequested': {
        const r = event.data.requester;
        return upsert(ctx, 'borrowing_register', ['borrowing_id'], {
          borrowing_id: event.data.borrowingId,
          archive_id: e.archiveId,
          requester_id: r.id,
          requester_name: r.name ?? null,
          requester_role: r.role,
          department: r.department,
          purpose: event.data.purpose,
          status: 'requested',
          requested_at: event.data.requestedAt,
          approver_id: null,
          lent_at: null,
          due_at: null,
          destination: null,
          returned_at: null,
          condition: null,
          overdue_recorded: bool(false),
        });
      }
      case 'BorrowApproved':
        return update(
          ctx,
          'borrowing_register',
          { borrowing_id: event.data.borrowingId },
          { status: 'approved', approver_id: event.data.approver.id },
        );
      case 'BorrowRejected':
        return update(
          ctx,
          'borrowing_register',
          { borrowing_id: event.data.borrowingId },
          { status: 'rejected', approver_id: event.data.rejectedBy.id },
        );
      case 'ArchiveLent':
        return update(
          ctx,
          'borrowing_register',
          { borrowing_id: event.data.borrowingId },
          {
            status: 'lent',
            lent_at: event.data.lentAt,
            due_at: event.data.dueAt,
            destination: event.data.destination,
          },
        );
      case 'ArchiveReturned':
        return update(
          ctx,
          'borrowing_register',
          { borrowing_id: event.data.borrowingId },
          { status: 'returned', returned_at: event.data.returnedAt, condition: event.data.condition },
        );
      case 'ReturnOverdue':
        return update(
          ctx,
          'borrowing_register',
          { borrowing_id: event.data.borrowingId },
          { overdue_recorded: bool(true) },
        );
      default:
        return;
    }
  },
};
