// Keeping the pending-deadlines read model up to date: the main process's runner, or one of the workers'.
import type { Kysely } from 'kysely';
import type { EventStore, PolicyConfig } from '@dossier/core';
import type { ProjectionContext, ProjectionRunner } from '@dossier/projections';
import { physicalTable, projectionRunner } from '@dossier/projections';
import { errorText } from './finding-recorder';
import { pendingDeadlines } from './pending-deadlines';
import type { WorkerLog } from './worker-log';
import { writeLine } from './worker-log';
import { createLeaseTable, createRacing, holdLease, releaseLease } from './worker-leases';

/* eslint-disable @typescript-eslint/no-explicit-any */

const PROJECTOR_LEASE = 'pending-deadlines-projector';
/** The projection runner's checkpoint table (@dossier/projections, runner.ts). */
const CHECKPOINTS = 'projection_checkpoints';

export interface ProjectorDeps {
  readonly store: EventStore;
  readonly db: Kysely<any>;
  readonly dialect: 'sqlite' | 'postgres';
  readonly config: PolicyConfig;
  readonly log: WorkerLog;
  readonly worker: string;
  /** A runner of the main process that includes `pendingDeadlines`; without one the worker runs its own. */
  readonly runner?: ProjectionRunner;
  /** False: never project, only wait for whoever does (the main process's runner on the same database). */
  readonly project?: boolean;
  readonly leaseMs: number;
  readonly catchUpTimeoutMs: number;
  readonly pollMs: number;
  readonly wall: () => number;
}

/**
 * Among several worker processes on one database only the holder of the projector lease runs the
 * projection (two runners on one set of tables would undo each other's work); when it dies, its lease runs
 * out and another takes over from the checkpoint.
 */
export const deadlineProjector = (deps: ProjectorDeps) => {
  const { store, db, dialect, config, log, worker, wall } = deps;
  const tableOf = (base: string) => physicalTable(base, pendingDeadlines.version);
  const own =
    deps.runner || deps.project === false
      ? undefined
      : projectionRunner({
          store,
          db,
          dialect,
          config,
          projections: [pendingDeadlines],
          pollMs: deps.pollMs,
          onError: (e) =>
            writeLine(log, { level: 'error', msg: 'projection failed', worker, error: e.message }),
        });
  let prepared: Promise<void> | undefined;
  let projecting = false;
  let leadership: Promise<void> = Promise.resolve();

  /** The read model's tables exist before any claim (the runner may belong to another process). */
  const prepare = () =>
    (prepared ??= (async () => {
      const ctx: ProjectionContext = { db, table: tableOf, config, dialect };
      await createRacing(() =>
        db.transaction().execute((trx) => pendingDeadlines.createTables({ ...ctx, db: trx })),
      );
      if (own) await createLeaseTable(db);
    })().catch((e: unknown) => {
      prepared = undefined; // try again at the next tick
      throw e;
    }));

  /** Take or renew the projector lease; start projecting when it is ours, stop when it is not any more. */
  const lead = (): Promise<void> =>
    (leadership = leadership.then(async () => {
      if (!own) return;
      let holds = false;
      try {
        holds = await holdLease(db, PROJECTOR_LEASE, worker, wall(), deps.leaseMs);
      } catch (e) {
        writeLine(log, { level: 'warn', msg: 'projector lease unavailable', worker, error: errorText(e) });
      }
      if (holds && !projecting) {
        try {
          await own.start();
          projecting = true;
          writeLine(log, { level: 'info', msg: 'projecting pending deadlines', worker });
        } catch (e) {
          await own.stop().catch(() => undefined);
          writeLine(log, { level: 'error', msg: 'projection did not start', worker, error: errorText(e) });
        }
      } else if (!holds && projecting) {
        await own.stop();
        projecting = false;
        writeLine(log, { level: 'info', msg: 'projector lease lost', worker });
      }
    }));

  const checkpoint = async (): Promise<bigint> => {
    try {
      const row = await db
        .selectFrom(CHECKPOINTS)
        .select('position')
        .where('name', '=', pendingDeadlines.name)
        .where('version', '=', pendingDeadlines.version)
        .executeTakeFirst();
      return row ? BigInt(row.position as string | number) : 0n;
    } catch {
      return 0n; // no runner has started on this database yet
    }
  };

  /**
   * Wait (bounded) until the read model has seen every event appended before now. The checkpoint row decides:
   * a runner's `waitFor` also answers true when it does not run this read model.
   */
  const catchUp = async (): Promise<boolean> => {
    const head = await store.headPosition();
    const runner = deps.runner ?? (projecting ? own : undefined);
    if (runner) await runner.waitFor(head, deps.catchUpTimeoutMs, pendingDeadlines.name);
    const until = wall() + deps.catchUpTimeoutMs;
    for (;;) {
      if ((await checkpoint()) >= head) return true;
      if (wall() >= until) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  return {
    tableOf,
    /** Whether the worker projects for itself (and so needs to keep the lease). */
    ownsRunner: own !== undefined,
    prepare,
    lead,
    catchUp,
    projecting: () => projecting,
    /** Stop projecting and give the lease up, so another worker takes over at once. */
    async stop(): Promise<void> {
      await leadership;
      if (own && projecting) {
        await own.stop();
        projecting = false;
        await releaseLease(db, PROJECTOR_LEASE, worker).catch(() => undefined);
      }
    },
  };
};
