import type { Projection } from '@dossier/projections';
import { forEachEvent } from '@dossier/projections';

export type EntityKind = 'borrowing' | 'disclosure' | 'destruction';

export const ENTITY_INDEX = 'api-entity-index';
export const ENTITY_TABLE = 'entity_index';

/**
 * Which archive a borrowing, disclosure or destruction belongs to, so that `/borrowings/{bid}/approve` and
 * friends can address the archive's stream. Keyed by (kind, id, archive): ids are chosen by clients too, and
 * an id used on two archives must be reported as ambiguous, not silently overwritten.
 */
export const entityIndex: Projection = {
  name: ENTITY_INDEX,
  version: 1,
  tables: [ENTITY_TABLE],
  // every row names its archive, and is only ever inserted: a rebuild may read the log stream by stream
  perStream: true,
  // no event's metadata
  readsMetadataOf: [],
  async createTables(ctx) {
    const t = ctx.table(ENTITY_TABLE);
    await ctx.db.schema
      .createTable(t)
      .ifNotExists()
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('archive_id', 'text', (c) => c.notNull())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${t}_pk`, ['kind', 'entity_id', 'archive_id'])
      .execute();
  },
  async applyBatch(ctx, events) {
    const rows = forEachEvent(events, (e) => {
      if (e.kind !== 'archive') return undefined;
      const { event } = e;
      const entry =
        event.type === 'BorrowRequested'
          ? { kind: 'borrowing', id: event.data.borrowingId }
          : event.type === 'DisclosureRequested'
            ? { kind: 'disclosure', id: event.data.disclosureId }
            : event.type === 'DestructionRequested'
              ? { kind: 'destruction', id: event.data.destructionId }
              : undefined;
      return (
        entry && {
          kind: entry.kind,
          entity_id: entry.id,
          archive_id: e.archiveId,
          position: e.recorded.position.toString(),
        }
      );
    }).filter((r) => r !== undefined);
    for (let i = 0; i < rows.length; i += 200)
      await ctx.db
        .insertInto(ctx.table(ENTITY_TABLE))
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['kind', 'entity_id', 'archive_id']).doNothing())
        .execute();
  },
};
