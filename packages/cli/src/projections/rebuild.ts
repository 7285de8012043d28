import { sql } from 'kysely';
import type { EventStore, PolicyConfig, RecordedEvent } from '@dossier/core';
import type { ProjectedEvent, Projection, ProjectionContext } from '@dossier/projections';
import { EventFailure, physicalTable, toProjected } from '@dossier/projections';
import { CommandError, stopPoint, throwIfAborted } from '../cli/errors';
import type { Progress } from '../cli/progress';
import type { ReadDb } from '../store/read-models-db';
import type { CopySpace } from './copy-space';
import { ACTIVE, CHECKPOINTS } from './status';

export interface RebuildOptions {
  readonly events: EventStore;
  /** The read-model database, where the live tables and the checkpoints are. */
  readonly db: ReadDb;
  readonly dialect: 'sqlite' | 'postgres';
  readonly projection: Projection;
  /** Where the copy is built (`sqliteScratchFile`, `sideTables`). */
  readonly space: (projection: Projection) => Promise<CopySpace>;
  readonly config: PolicyConfig;
  readonly signal: AbortSignal;
  readonly progress: Progress;
  readonly batchSize?: number;
}

export interface RebuildResult {
  /** The position the read model stands at after the take-over. */
  readonly position: bigint;
  /** Events of the log read into the copy. */
  readonly events: number;
  /** The live checkpoint when the copy took over. */
  readonly liveCheckpoint: bigint;
}

/**
 * Rebuild one read model from the whole log, side by side: a copy of its tables is built from position 0 while
 * the live version keeps serving (and keeps being projected by whichever runner runs it); then, in one
 * transaction on the read-model database, holding the live tables and the checkpoint, the copy is brought at
 * least to the live checkpoint, its rows replace the live rows and the checkpoint is set to its position.
 * Runners move checkpoints only from where they found them (packages/projections), so one that was behind
 * drops its next batch and resumes from the copy's position; none applies an event twice or skips one.
 * Interrupted or failing before the take-over, the copy is dropped and the old rows stay active.
 */
export const rebuildProjection = async (o: RebuildOptions): Promise<RebuildResult> => {
  const { db, projection: p, events } = o;
  const batch = o.batchSize ?? 1000;
  const liveTable = (base: string) => physicalTable(base, p.version);

  const tables = new Set((await db.introspection.getTables()).map((t) => t.name));
  const active = tables.has(ACTIVE)
    ? await db.selectFrom(ACTIVE).select('version').where('name', '=', p.name).executeTakeFirst()
    : undefined;
  if (!active)
    throw new CommandError(
      `read model ${p.name} was never built here: the main job builds it when it starts`,
    );
  if (Number(active.version) !== p.version)
    throw new CommandError(
      `the active version of ${p.name} is ${active.version}, this installation's is ${p.version}: the main job rebuilds it side by side when it starts`,
    );

  const liveCheckpoint = async (q: ReadDb): Promise<bigint> => {
    const row = await q
      .selectFrom(CHECKPOINTS)
      .select('position')
      .where('name', '=', p.name)
      .where('version', '=', p.version)
      .executeTakeFirst();
    return row ? BigInt(row.position as string | number | bigint) : 0n;
  };

  /** Hold the live tables and the checkpoint row first, so no runner commits between the read and the swap. */
  const lock = async (trx: ReadDb) => {
    if (o.dialect === 'postgres') {
      await sql`LOCK TABLE ${sql.join(p.tables.map((b) => sql.table(liveTable(b))))} IN EXCLUSIVE MODE`.execute(
        trx,
      );
      await sql`SELECT 1 FROM ${sql.table(CHECKPOINTS)} WHERE name = ${p.name} AND version = ${p.version} FOR UPDATE`.execute(
        trx,
      );
    } else
      // SQLite: the write lock before any read (a transaction that read first could not write later)
      await trx
        .updateTable(CHECKPOINTS)
        .set({ name: p.name })
        .where('name', '=', p.name)
        .where('version', '=', p.version)
        .execute();
  };

  const space = await o.space(p);
  const ctxOn = (q: ReadDb): ProjectionContext => ({
    db: q,
    table: space.table,
    config: o.config,
    dialect: o.dialect,
  });
  let position = 0n;
  let read = 0;
  let head = await events.headPosition();

  const applyPage = async (q: ReadDb, page: readonly RecordedEvent[]) => {
    const projected: ProjectedEvent[] = [];
    for (const r of page) {
      let e: ProjectedEvent | undefined;
      try {
        e = toProjected(r, false);
      } catch (err) {
        throw new CommandError(`${p.name}: ${(err as Error).message}`);
      }
      if (e) projected.push(e);
    }
    if (projected.length === 0) return;
    try {
      await p.applyBatch(ctxOn(q), projected);
    } catch (err) {
      const where =
        err instanceof EventFailure ? `event position ${err.position} (${err.eventType})` : 'a batch';
      throw new CommandError(`${p.name} stopped at ${where}: ${(err as Error).message}`);
    }
  };

  /**
   * Read the log into the copy, after its position, up to `until` (or the end): a transaction a page, or, in the
   * take-over, in its transaction when the copy lives in the same database.
   */
  const catchUp = async (until: bigint | undefined, takeOver?: ReadDb) => {
    for (;;) {
      if (!takeOver) await stopPoint(o.signal);
      const page = await events.readAll({ after: position, limit: batch });
      const mine = until === undefined ? page : page.filter((r) => r.position <= until);
      if (mine.length > 0) {
        if (takeOver && space.sameDatabase) await applyPage(takeOver, mine);
        else await space.db.transaction().execute((t) => applyPage(t, mine));
        position = mine.at(-1)!.position;
        read += mine.length;
        if (position > head) head = position;
        o.progress.update(Number(position), Number(head));
      }
      if (page.length < batch || mine.length < page.length) return;
    }
  };

  try {
    await space.db.transaction().execute((trx) => p.createTables(ctxOn(trx)));
    o.progress.update(0, Number(head));
    await catchUp(undefined);
    throwIfAborted(o.signal);
    // most of what the live runner did meanwhile, outside the take-over's lock
    const seen = await liveCheckpoint(db);
    if (seen > position) await catchUp(seen);
    throwIfAborted(o.signal);
    await space.beforeTakeOver(db);
    try {
      const live = await db.transaction().execute(async (trx) => {
        await lock(trx);
        const now = await liveCheckpoint(trx);
        if (now > position) {
          await catchUp(now, trx);
          position = now; // nothing lies between the copy's last event and the live checkpoint
        }
        for (const base of p.tables) await space.copyInto(trx, liveTable(base), base);
        // ahead of the live checkpoint, the copy's position stands: a runner still at the old one finds its
        // checkpoint moved on its next batch, drops that batch and resumes from here (guarded checkpoints)
        const at = position.toString();
        await trx
          .insertInto(CHECKPOINTS)
          .values({ name: p.name, version: p.version, position: at, state: 'live', error: null })
          .onConflict((oc) =>
            oc.columns(['name', 'version']).doUpdateSet({ position: at, state: 'live', error: null }),
          )
          .execute();
        return now;
      });
      return { position, events: read, liveCheckpoint: live };
    } finally {
      await space.afterTakeOver(db);
    }
  } finally {
    await space.discard().catch(() => undefined);
  }
};
