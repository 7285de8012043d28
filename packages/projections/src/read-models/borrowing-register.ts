import type { Projection } from '../projection';
import { keyedRows, NO_KEYS } from './keyed-rows';
import { bool } from './sql';

const borrowingEvents = [
  'BorrowRequested',
  'BorrowApproved',
  'BorrowRejected',
  'ArchiveLent',
  'ArchiveReturned',
  'ReturnOverdue',
];

/** 6. Borrowing register 借阅登记 (DOMAIN.md §6). Overdue is judged at query time, or recorded by the worker. */
export const borrowingRegister = (): Projection =>
  keyedRows({
    name: 'borrowing-register',
    version: 1,
    table: 'borrowing_register',
    // every row is one archive's
    perStream: true,
    // no event's metadata
    readsMetadataOf: [],
    key: ['archive_id', 'borrowing_id'],
    async createTables(ctx) {
      const t = ctx.table('borrowing_register');
      await ctx.db.schema
        .createTable(t)
        .ifNotExists()
        .addColumn('borrowing_id', 'text', (c) => c.notNull())
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
        // ids are chosen per archive: the same borrowing id on two archives is two borrowings
        .addPrimaryKeyConstraint(`${t}_pk`, ['archive_id', 'borrowing_id'])
        .execute();
    },
    indexes: [
      { table: 'borrowing_register', name: 'id', columns: ['borrowing_id'] },
      { table: 'borrowing_register', name: 'due', columns: ['status', 'due_at'] },
    ],
    creates: (e) => e.kind === 'archive' && e.event.type === 'BorrowRequested',
    touches: (e) =>
      e.kind === 'archive' && borrowingEvents.includes(e.event.type)
        ? [[e.archiveId, (e.event.data as { borrowingId: string }).borrowingId]]
        : NO_KEYS,
    reduce(row, e) {
      if (e.kind !== 'archive') return row;
      const { event } = e;
      if (event.type === 'BorrowRequested') {
        const r = event.data.requester;
        return {
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
        };
      }
      if (!row) return row;
      switch (event.type) {
        case 'BorrowApproved':
          return { ...row, status: 'approved', approver_id: event.data.approver.id };
        case 'BorrowRejected':
          return { ...row, status: 'rejected', approver_id: event.data.rejectedBy.id };
        case 'ArchiveLent':
          return {
            ...row,
            status: 'lent',
            lent_at: event.data.lentAt,
            due_at: event.data.dueAt,
            destination: event.data.destination,
          };
        case 'ArchiveReturned':
          return {
            ...row,
            status: 'returned',
            returned_at: event.data.returnedAt,
            condition: event.data.condition,
          };
        case 'ReturnOverdue':
          return { ...row, overdue_recorded: bool(true) };
        default:
          return row;
      }
    },
  });
