import type { ArchiveEvent } from '@dossier/core';
import { PERSONAL_FIELDS, REDACTED } from '@dossier/core';
import type { ProjectedEvent, Projection } from '../projection';
import { forEachEvent } from '../projection';
import { appendRows, json, pos } from './sql';

/** The types of the events that change fields: the only ones whose metadata (actor, time, reason) is read. */
const CHANGING: readonly ArchiveEvent['type'][] = [
  'ArchiveCreated',
  'ArchiveUpdated',
  'TierChanged',
  'CustodianChanged',
  'SecrecyLevelChanged',
  'ArchiveDestroyed',
];

/** The changes an event makes, field by field (before → after); none for a type not in `CHANGING`. */
const changesOf = (e: ProjectedEvent): { field: string; before: unknown; after: unknown }[] => {
  if (e.kind !== 'archive') return [];
  const { event } = e;
  switch (event.type) {
    case 'ArchiveCreated':
      return [
        {
          field: '(created)',
          before: null,
          after: { number: event.data.number, tier: event.data.tier, secrecyLevel: event.data.secrecyLevel },
        },
      ];
    case 'ArchiveUpdated':
      return event.data.changes.map((c) => ({ field: c.field, before: c.before, after: c.after }));
    case 'TierChanged':
      return [{ field: 'tier', before: event.data.from, after: event.data.to }];
    case 'CustodianChanged':
      return [{ field: 'custodian', before: event.data.from, after: event.data.to }];
    case 'SecrecyLevelChanged':
      return [{ field: 'secrecyLevel', before: event.data.from, after: event.data.to }];
    case 'ArchiveDestroyed':
      return [
        {
          field: '(destroyed)',
          before: null,
          after: { destructionId: event.data.destructionId, method: event.data.method },
        },
      ];
    default:
      return [];
  }
};

/** 3. Change history: per archive, every change as field-level before/after, with actor, time, reason, position. */
export const changeHistory: Projection = {
  name: 'change-history',
  // v2: keyed by (archive, revision, seq), not (position, seq): a rebuild reads stream by stream, and keys in
  // that order are inserted at the end of the key's index, not all over it (fewer pages changed a commit)
  version: 2,
  tables: ['change_history'],
  // rows by event, redacted per archive
  perStream: true,
  readsMetadataOf: CHANGING,
  async createTables(ctx) {
    const t = ctx.table('change_history');
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addPrimaryKeyConstraint(`${t}_pk`, ['archive_id', 'revision', 'seq'])
      .execute();
  },
  indexes: [
    { table: 'change_history', name: 'archive', columns: ['archive_id', 'position'] },
    { table: 'change_history', name: 'actor', columns: ['actor_id', 'at'] },
  ],
  async applyBatch(ctx, events) {
    const rows = forEachEvent(events, (e) => {
      const changes = changesOf(e);
      if (changes.length === 0) return [];
      const m = e.recorded.metadata;
      return changes.map((c, seq) => ({
        position: pos(e.recorded.position),
        seq,
        archive_id: e.archiveId,
        revision: pos(e.recorded.revision),
        event_type: e.recorded.type,
        field: c.field,
        before: json(c.before),
        after: json(c.after),
        actor_id: m.actor.id,
        actor_role: m.actor.role,
        at: m.occurredAt,
        reason: m.reason ?? null,
      }));
    }).flat();
    await appendRows(ctx, 'change_history', ['archive_id', 'revision', 'seq'], rows);
    // 销毁 reaches the history too: the sealed personal values go, the fact of the change stays
    const destroyed = events.flatMap((e) =>
      e.kind === 'archive' && e.event.type === 'ArchiveDestroyed' ? [e.archiveId] : [],
    );
    if (destroyed.length > 0)
      await ctx.db
        .updateTable(ctx.table('change_history'))
        .set({ before: json(REDACTED), after: json(REDACTED) })
        .where('archive_id', 'in', destroyed)
        .where('field', 'in', [...PERSONAL_FIELDS])
        .execute();
  },
};
