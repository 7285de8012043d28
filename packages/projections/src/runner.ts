import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { EventStore, PolicyConfig, RecordedEvent } from '@dossier/core';
import { defaultPolicyConfig } from '@dossier/core';
import { toProjected } from './decode';
import type { ProjectedEvent, Projection, ProjectionContext } from './projection';
import { EventFailure, physicalTable } from './projection';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

export type ProjectionState = 'catching_up' | 'live' | 'failed' | 'stopped';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly active: boolean;
  readonly checkpoint: bigint;
  /** Events behind the head of the log. */
  readonly lag: bigint;
  readonly state: ProjectionState;
  readonly error?: string;
}

/** Another runner moved the checkpoint first: this batch is dropped and the lane resumes from there. */
class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`the checkpoint of ${projection} was moved by another runner`);
  }
}

export class PoisonEvent extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      `projection ${projection} stopped at event position ${position} (${eventType}): ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

interface Instance {
  readonly projection: Projection;
  checkpoint: bigint;
  active: boolean;
  state: ProjectionState;
  error?: string;
  /** Its secondary indexes are known to exist. */
  indexed?: boolean;
}

export interface RunnerOptions {
  readonly store: EventStore;
  readonly db: Db;
  readonly dialect: 'sqlite' | 'postgres';
  readonly projections: readonly Projection[];
  readonly config?: PolicyConfig;
  /** Events per batch when live (default 1000). */
  readonly batchSize?: number;
  /**
   * The largest batch while catching up (default 5,000): a batch that finds more behind it doubles, so a
   * rebuild folds many events per row written and commits rarely; memory stays bounded by this size.
   */
  readonly catchUpBatchSize?: number;
  readonly pollMs?: number;
  readonly onError?: (e: PoisonEvent) => void;
  /** An infrastructure failure the runner will retry (default: written to stderr). */
  readonly onFailure?: (e: unknown) => void;
  /**
   * Check every event against its codec before applying it (default false: events were validated when they
   * were decided and the hash chain guards them; a read model that throws on an event still stops there).
   */
  readonly validate?: boolean;
}

const CHECKPOINTS = 'projection_checkpoints';
const ACTIVE = 'projection_active';
/** The advisory lock PostgreSQL starters take while they create tables ('DoSS' + 1). */
const SETUP_LOCK = 0x446f5301;

/**
 * The projection runner: reads the global log from each read model's checkpoint, applies events in batches,
 * and commits the read-model rows together with the new checkpoints in one transaction.
 * Active read models share one lane; a new version rebuilds side by side in a lane of its own, and takes
 * over atomically once it has caught up with the head of the log.
 */
export const projectionRunner = (options: RunnerOptions) => {
  const { store, db, dialect } = options;
  const config = options.config ?? defaultPolicyConfig;
  const batchSize = options.batchSize ?? 1000;
  const catchUpBatchSize = Math.max(batchSize, options.catchUpBatchSize ?? 5_000);
  const onFailure =
    options.onFailure ?? ((e: unknown) => console.error('[dossier] projection runner, retrying:', e));
  const pollMs = options.pollMs ?? 200;
  const instances: Instance[] = [];
  const wakers = new Set<() => void>();
  const progress = new Set<() => void>();
  let running = false;
  let lanes: Promise<void>[] = [];
  let head = 0n;

  const ctxFor = (trx: Db, p: Projection): ProjectionContext => ({
    db: trx,
    table: (base) => physicalTable(base, p.version),
    config,
    dialect,
  });

  const sleep = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      wakers.add(done);
    });

  const saveCheckpoint = (
    trx: Db,
    i: Instance,
    position: bigint,
    state: ProjectionState,
    error: string | null,
  ) =>
    trx
      .insertInto(CHECKPOINTS)
      .values({
        name: i.projection.name,
        version: i.projection.version,
        position: position.toString(),
        state,
        error,
      })
      .onConflict((oc) =>
        oc.columns(['name', 'version']).doUpdateSet({ position: position.toString(), state, error }),
      )
      .execute();

  /** Move a checkpoint on only from where this runner found it: another runner that got there first wins. */
  const advanceCheckpoint = async (trx: Db, i: Instance, to: bigint) => {
    const res = await trx
      .updateTable(CHECKPOINTS)
      .set({ position: to.toString(), state: 'live', error: null })
      .where('name', '=', i.projection.name)
      .where('version', '=', i.projection.version)
      .where('position', '=', i.checkpoint.toString())
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new CheckpointMoved(i.projection.name);
  };

  /** Tables, registry rows and checkpoints, created once even when several runners start together. */
  const setup = async () => {
    await db.transaction().execute(async (trx) => {
      // PostgreSQL: concurrent CREATE TABLE IF NOT EXISTS race in the catalogue, so starters take turns
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
      await trx.schema
        .createTable(CHECKPOINTS)
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint(`${CHECKPOINTS}_pk`, ['name', 'version'])
        .execute();
      await trx.schema
        .createTable(ACTIVE)
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      for (const p of options.projections) {
        await p.createTables(ctxFor(trx, p));
        // the first runner's choice of active version stands
        await trx
          .insertInto(ACTIVE)
          .values({ name: p.name, version: p.version })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        await trx
          .insertInto(CHECKPOINTS)
          .values({ name: p.name, version: p.version, position: '0', state: 'catching_up', error: null })
          .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
          .execute();
      }
    });
    const active = new Map(
      (await db.selectFrom(ACTIVE).selectAll().execute()).map((r) => [r.name as string, Number(r.version)]),
    );
    const cps = await db.selectFrom(CHECKPOINTS).selectAll().execute();
    instances.length = 0;
    for (const p of options.projections) {
      p.reset?.();
      const cp = cps.find((r) => r.name === p.name && Number(r.version) === p.version);
      const failed = cp?.state === 'failed';
      instances.push({
        projection: p,
        checkpoint: cp ? BigInt(cp.position) : 0n,
        active: active.get(p.name) === p.version,
        state: failed ? 'failed' : 'catching_up',
        ...(failed && cp.error ? { error: cp.error as string } : {}),
      });
    }
  };

  /**
   * Apply one page to `group` in one transaction: their rows and checkpoints commit together. A poison event
   * stops only the projection that threw; the others apply the page again without it.
   */
  const applyGroup = async (group: Instance[], page: readonly ProjectedEvent[], last: bigint) => {
    for (;;) {
      const runnable = group.filter((i) => i.state !== 'failed' && i.state !== 'stopped');
      if (runnable.length === 0) return;
      try {
        await db.transaction().execute(async (trx) => {
          // the rows and the checkpoint commit together, so a commit lost in a crash is applied again
          // from the checkpoint before it: read models need not wait for the WAL flush
          if (dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
          for (const i of runnable) {
            const ctx = ctxFor(trx, i.projection);
            const mine =
              page.length === 0 || page[0]!.recorded.position > i.checkpoint
                ? page
                : page.filter((e) => e.recorded.position > i.checkpoint);
            try {
              await i.projection.applyBatch(ctx, mine);
            } catch (err) {
              // an event the read model cannot apply stops it there; anything else (a busy or dropped
              // database) is the infrastructure's: the lane rolls back and retries the batch
              throw err instanceof EventFailure
                ? new PoisonEvent(i.projection.name, err.position, err.eventType, err.failure)
                : err;
            }
            if (last > i.checkpoint) await advanceCheckpoint(trx, i, last);
          }
        });
        for (const i of runnable) if (last > i.checkpoint) i.checkpoint = last;
        return;
      } catch (err) {
        // nothing of the batch committed: what the read models kept in memory from it is void
        for (const i of runnable) i.projection.reset?.();
        if (!(err instanceof PoisonEvent)) throw err;
        const bad = runnable.find((i) => i.projection.name === err.projection)!;
        bad.state = 'failed';
        bad.error = err.message;
        await db
          .transaction()
          .execute((trx) => saveCheckpoint(trx, bad, bad.checkpoint, 'failed', err.message));
        options.onError?.(err);
      }
    }
  };

  /**
   * Apply one page to the lane's instances. On PostgreSQL each read model commits on a connection of its own,
   * so the server applies them in parallel; on SQLite (one writer) they share one transaction and one commit.
   */
  const applyPage = async (members: Instance[], page: readonly ProjectedEvent[], last: bigint) => {
    const runnable = members.filter((i) => i.state !== 'failed' && i.state !== 'stopped');
    if (dialect !== 'postgres' || runnable.length < 2) return applyGroup(runnable, page, last);
    const results = await Promise.allSettled(runnable.map((i) => applyGroup([i], page, last)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  };

  /** Secondary indexes, once a read model has caught up (a no-op when they are there already). */
  const createIndexes = async (i: Instance) => {
    const specs = i.projection.indexes ?? [];
    if (i.indexed || specs.length === 0) return;
    await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
      for (const ix of specs) {
        const t = physicalTable(ix.table, i.projection.version);
        await trx.schema
          .createIndex(`${t}_${ix.name}`)
          .ifNotExists()
          .on(t)
          .columns([...ix.columns])
          .execute();
      }
    });
    i.indexed = true;
  };

  const takeOver = async (i: Instance) => {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto(ACTIVE)
        .values({ name: i.projection.name, version: i.projection.version })
        .onConflict((oc) => oc.column('name').doUpdateSet({ version: i.projection.version }))
        .execute();
    });
    for (const other of instances)
      if (other.projection.name === i.projection.name) other.active = other === i;
  };

  /** Take the checkpoints as the database has them (another runner may have moved them on). */
  const reloadCheckpoints = async (members: Instance[]) => {
    const rows = await db.selectFrom(CHECKPOINTS).selectAll().execute();
    for (const i of members) {
      const row = rows.find(
        (r) => r.name === i.projection.name && Number(r.version) === i.projection.version,
      );
      if (row) i.checkpoint = BigInt(row.position);
    }
  };

  /** A lane keeps going through infrastructure failures (a busy or dropped database): it reports and retries. */
  const lane = async (members: Instance[], rebuild: boolean) => {
    while (running) {
      try {
        await laneLoop(members, rebuild);
        return;
      } catch (err) {
        if (err instanceof CheckpointMoved) await reloadCheckpoints(members).catch(() => undefined);
        else onFailure(err);
        await sleep();
        await sleep();
      }
    }
  };

  const laneLoop = async (members: Instance[], rebuild: boolean) => {
    let prefetched: { after: bigint; limit: number; page: Promise<readonly RecordedEvent[]> } | undefined;
    let size = batchSize;
    while (running) {
      const live = members.filter((i) => i.state !== 'failed' && i.state !== 'stopped');
      if (live.length === 0) return;
      const from = live.reduce((m, i) => (i.checkpoint < m ? i.checkpoint : m), live[0]!.checkpoint);
      // read ahead: the next page is fetched while this one is applied
      const limit = prefetched && prefetched.after === from ? prefetched.limit : size;
      const raw =
        prefetched && prefetched.after === from
          ? await prefetched.page
          : await store.readAll({ after: from, limit });
      prefetched = undefined;
      // behind the head: the batches grow (up to catchUpBatchSize); caught up: back to batchSize
      size = raw.length === limit ? Math.min(limit * 2, catchUpBatchSize) : batchSize;
      if (raw.length === limit) {
        const next = raw.at(-1)!.position;
        prefetched = { after: next, limit: size, page: store.readAll({ after: next, limit: size }) };
        prefetched.page.catch(() => undefined);
      }
      if (raw.length > 0) {
        const projected: ProjectedEvent[] = [];
        let poison: PoisonEvent | undefined;
        let lastGood = from;
        for (const r of raw) {
          try {
            const p = toProjected(r, options.validate ?? false);
            if (p) projected.push(p);
            lastGood = r.position;
          } catch (err) {
            poison = new PoisonEvent('*', r.position, r.type, err);
            break;
          }
        }
        // positions need not be dense (EventStoreDB's are byte offsets): stop at the last event decoded
        const last = poison ? lastGood : raw.at(-1)!.position;
        if (last > from) await applyPage(live, projected, last);
        if (poison) {
          for (const i of live) {
            i.state = 'failed';
            i.error = poison.message.replace('projection *', `projection ${i.projection.name}`);
            await db.transaction().execute((trx) => saveCheckpoint(trx, i, i.checkpoint, 'failed', i.error!));
          }
          options.onError?.(poison);
        }
        for (const wake of [...progress]) wake();
        // SQLite answers synchronously: without a turn of the event loop, a catch-up of many batches would run
        // as one chain of microtasks and hold back every timer and request of the process until it ended
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (raw.length < limit) {
        head = await store.headPosition();
        for (const i of live)
          if (i.state === 'catching_up' && i.checkpoint >= head) {
            await createIndexes(i);
            i.state = 'live';
          }
        if (rebuild) {
          for (const i of live.filter((x) => x.state === 'live')) {
            await takeOver(i);
            members.splice(members.indexOf(i), 1);
            liveLane.push(i);
          }
          if (members.length === 0) return;
        }
        await sleep();
      }
    }
  };

  let liveLane: Instance[] = [];

  return {
    async start(): Promise<void> {
      await setup();
      head = await store.headPosition();
      running = true;
      liveLane = instances.filter((i) => i.active);
      const pending = instances.filter((i) => !i.active);
      lanes = [lane(liveLane, false), ...(pending.length ? [lane(pending, true)] : [])];
    },
    async stop(): Promise<void> {
      running = false;
      for (const wake of [...wakers]) wake();
      await Promise.allSettled(lanes);
      for (const i of instances) if (i.state !== 'failed') i.state = 'stopped';
    },
    /** Wake the lanes now (after an in-process append) instead of at the next poll. */
    nudge(): void {
      for (const wake of [...wakers]) wake();
    },
    async status(): Promise<ProjectionStatus[]> {
      head = await store.headPosition();
      return instances.map((i) => ({
        name: i.projection.name,
        version: i.projection.version,
        active: i.active,
        checkpoint: i.checkpoint,
        lag: head > i.checkpoint ? head - i.checkpoint : 0n,
        state: i.state,
        ...(i.error ? { error: i.error } : {}),
      }));
    },
    /** Read-your-writes: resolves true once every active read model (or `name`) has reached `position`. */
    async waitFor(position: bigint, timeoutMs: number, name?: string): Promise<boolean> {
      const reached = () => {
        const watched = instances.filter(
          (i) => i.active && (!name || i.projection.name === name) && i.state !== 'failed',
        );
        return running && watched.length > 0 && watched.every((i) => i.checkpoint >= position);
      };
      if (reached()) return true;
      this.nudge();
      return new Promise<boolean>((resolve) => {
        const check = () => {
          if (!reached()) return;
          finish(true);
        };
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          progress.delete(check);
          resolve(ok);
        };
        const timer = setTimeout(() => finish(reached()), timeoutMs);
        progress.add(check);
      });
    },
    /** The physical table a query should read for a read model's base table (the active version's). */
    table(name: string, base: string): string {
      const i = instances.find((x) => x.projection.name === name && x.active);
      if (!i) throw new Error(`no active read model ${name}`);
      return physicalTable(base, i.projection.version);
    },
  };
};

export type ProjectionRunner = ReturnType<typeof projectionRunner>;
