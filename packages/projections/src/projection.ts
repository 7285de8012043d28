import type { Kysely } from 'kysely';
import type { ArchiveEvent, ArchiveRead, PolicyConfig, ProjectableEvent } from '@dossier/core';

/** An event as read models see it: decoded, with personal values still sealed. */
export type ProjectedEvent =
  | {
      readonly kind: 'archive';
      readonly archiveId: string;
      readonly recorded: ProjectableEvent;
      readonly event: ArchiveEvent;
    }
  | {
      readonly kind: 'read';
      readonly archiveId: string;
      readonly recorded: ProjectableEvent;
      readonly read: ArchiveRead;
    };

export interface ProjectionContext {
  /**
   * Where a batch is applied. What a read model writes there is committed later, together with its checkpoint,
   * in one transaction (see `ReadModelWriter`); what it reads sees every earlier batch.
   */
  readonly db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The physical name of one of this projection's tables, for the version being built. */
  readonly table: (base: string) => string;
  readonly config: PolicyConfig;
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Reads of the rows as committed, without waiting for the batches whose commits are under way: only for rows
   * the read model knows none of those batches wrote (default: `db`).
   */
  readonly committed?: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** How many earlier batches may still be committing while this one is applied (default 0). */
  readonly batchesUnderWay?: number;
  /**
   * The runner is catching up (more events wait behind this batch): the read model may keep the batch's
   * changes in memory and write them with a later batch, answering `DEFERRED` — its checkpoint then stays
   * where its committed rows are. When this is false, it must write everything it holds.
   */
  readonly mayDefer?: boolean;
  /**
   * The batch belongs to a rebuild read stream by stream (the runner's stream pass): an archive met here is
   * met again at most in the next batch (when the page's end cut its stream), so rows kept for later batches
   * need not outlive the batches still committing.
   */
  readonly byStream?: boolean;
}

/** `applyBatch`'s answer when it kept the batch's changes in memory and wrote nothing (see `mayDefer`). */
export const DEFERRED = 'deferred';

/**
 * A read model, expressed as typed SQL through kysely so the same definition runs on SQLite and PostgreSQL.
 * It applies a whole batch at once, so that it can fold the batch in memory and write each row once.
 */
export interface Projection {
  readonly name: string;
  /** A new version rebuilds into new tables side by side, then takes over. */
  readonly version: number;
  readonly tables: readonly string[];
  createTables(ctx: ProjectionContext): Promise<void>;
  /**
   * Secondary indexes. The runner creates them once the read model has caught up with the log: a rebuild
   * writes its rows faster into tables that have only their primary keys.
   */
  readonly indexes?: readonly IndexSpec[];
  /**
   * Its rows depend only on the order of events within each stream (one archive's history), never on the
   * order between streams. A rebuild from the start may then read the log stream by stream (see the runner's
   * stream pass), folding each archive's whole history at once and writing its rows once.
   */
  readonly perStream?: boolean;
  /**
   * The only event types whose metadata (`recorded.metadata`) `applyBatch` reads; absent, it may read any.
   * A rebuild read stream by stream asks the store for the metadata of the types its read models name, and
   * no other (see `ReadByStreamOptions.metadataOf`): reading another type's throws `MetadataNotRead` (unless
   * another read model of the rebuild named it), and the runner stops the read model at that event.
   */
  readonly readsMetadataOf?: readonly string[];
  /**
   * Apply a batch inside the runner's transaction; a failing event throws `EventFailure`. A read model that
   * kept the batch in memory instead (only when `ctx.mayDefer`) answers `DEFERRED` and writes nothing.
   */
  applyBatch(ctx: ProjectionContext, events: readonly ProjectedEvent[]): Promise<void | typeof DEFERRED>;
  /**
   * Forget whatever was kept in memory from earlier batches (deferred changes included): the runner calls it
   * when a batch did not commit (rolled back, or another runner moved the checkpoint), and before it starts.
   */
  reset?(): void;
}

/** A secondary index of one of a projection's tables: physically `<table>_<name>` on the version's table. */
export interface IndexSpec {
  readonly table: string;
  readonly name: string;
  readonly columns: readonly string[];
}

/** Thrown by a projection when one event cannot be applied: the runner stops that projection there. */
export class EventFailure extends Error {
  constructor(
    readonly position: bigint,
    readonly eventType: string,
    readonly failure: unknown,
  ) {
    super((failure as Error)?.message ?? String(failure));
  }
}

/** Run `fn` on each event, naming the event that throws. */
export const forEachEvent = <T>(events: readonly ProjectedEvent[], fn: (e: ProjectedEvent) => T): T[] =>
  events.map((e) => {
    try {
      return fn(e);
    } catch (err) {
      throw err instanceof EventFailure ? err : new EventFailure(e.recorded.position, e.recorded.type, err);
    }
  });

export const physicalTable = (base: string, version: number): string => `rm_${base}_v${version}`;
