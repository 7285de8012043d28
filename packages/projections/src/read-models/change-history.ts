import type { ArchiveEvent } from '@dossier/core';
import { PERSONAL_FIELDS, REDACTED } from '@dossier/core';
import type { ProjectedEvent, Projection } from '../projection';
import { forEachEvent } from '../projection';
import { appendRows, json, pos } from './sql';

interface Change {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

type EventOf<T extends ArchiveEvent['type']> = Extract<ArchiveEvent, { type: T }>;

/**
 * The changes each kind of event makes, field by field (before → after). Its keys are the only types whose
 * metadata (actor, time, reason) the change history reads (`readsMetadataOf`), so the two cannot disagree.
 */
const CHANGES: { readonly [T in ArchiveEvent['type']]?: (event: EventOf<T>) => Change[] } = {
  ArchiveCreated: ({ data }) => [
    {
      field: '(created)',
      before: null,
      after: { number: data.number, tier: data.tier, secrecyLevel: data.secrecyLevel },
    },
  ],
  ArchiveUpdated: ({ data }) =>
    data.changes.map((c) => ({ field: c.field, before: c.before, after: c.after })),
  TierChanged: ({ data }) => [{ field: 'tier', before: data.from, after: data.to }],
  CustodianChanged: ({ data }) => [{ field: 'custodian', before: data.from, after: data.to }],
  SecrecyLevelChanged: ({ data }) => [{ field: 'secrecyLevel', before: data.from, after: data.to }],
  ArchiveDestroyed: ({ data }) => [
    {
      field: '(destroyed)',
      before: null,
      after: { destructionId: data.destructionId, method: data.method },
    },
  ],
};

/** No changes: one list for every event that makes none (most of a log's events). */
const NONE: readonly Change[] = [];

const changesOf = (e: ProjectedEvent): readonly Change[] => {
  if (e.kind !== 'archive') return NONE;
  const of = CHANGES[e.event.type] as ((event: ArchiveEvent) => Change[]) | undefined;
  return of ? of(e.event) : NONE;
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
  readsMetadataOf: Object.keys(CHANGES),
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
    const rows: Record<string, unknown>[] = [];
    forEachEvent(events, (e) => {
      const changes = changesOf(e);
      if (changes.length === 0) return;
      const m = e.recorded.metadata;
      const position = pos(e.recorded.position);
      const revision = pos(e.recorded.revision);
      for (let seq = 0; seq < changes.length; seq++) {
        const c = changes[seq]!;
        rows.push({
          position,
          seq,
          archive_id: e.archiveId,
          revision,
          event_type: e.recorded.type,
          field: c.field,
          before: json(c.before),
          after: json(c.after),
          actor_id: m.actor.id,
          actor_role: m.actor.role,
          at: m.occurredAt,
          reason: m.reason ?? null,
        });
      }
    });
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
