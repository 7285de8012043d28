import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock, EventStore, KeyStore, PolicyConfig, ValueCategoryRule } from '@dossier/core';
import { commandHandler, defaultPolicyConfig, defaultValueCategoryRule, systemClock } from '@dossier/core';
import type { ProjectionRunner } from '@dossier/projections';
import type { DeadlineTable } from './deadline-claims';
import { claimDue, defer, renewLease, reschedule, settle } from './deadline-claims';
import { deadlineProjector } from './deadline-projector';
import type { ClaimedDeadline } from './deadline-rows';
import { ARCHIVES, DEADLINES, TRANSACTIONS } from './deadline-rows';
import { errorText, findingRecorder } from './finding-recorder';
import type { Finding } from './schedule';
import { tierReviewAfter, tierReviewAtOrBefore, tierReviewOf } from './schedule';
import { tierReviewProposals } from './tier-review';
import type { WorkerLog } from './worker-log';
import { stdoutLog, writeLine } from './worker-log';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface WorkerOptions {
  readonly store: EventStore;
  readonly keys: KeyStore;
  /** Domain time: when deadlines are due, and the findings' `issuedAt` (default: the system clock). */
  readonly clock?: Clock;
  /** Limits, cadence, time zone (default Asia/Shanghai) and the tier-review rule. */
  readonly config?: PolicyConfig;
  /** The read-model database holding the pending deadlines (SQLite or PostgreSQL through kysely). */
  readonly db: Kysely<any>;
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * A runner that already projects `pendingDeadlines` (the main process's). Without one the worker runs its
   * own, and among several worker processes on one database only the holder of a lease runs it.
   */
  readonly runner?: ProjectionRunner;
  /**
   * False: this worker never runs the projection, it only waits for the checkpoint of whoever does (worker
   * processes beside a main process whose runner includes `workerProjections()`). Default true.
   */
  readonly project?: boolean;
  /** Interval between ticks after `start()` (default 10 s). */
  readonly tickMs?: number;
  /** Deadlines claimed at a time (default 500). */
  readonly batchSize?: number;
  /** Archives fired in parallel (default 8); the deadlines of one archive fire one after another. */
  readonly concurrency?: number;
  /** One JSON object per line (default: stdout). */
  readonly log?: WorkerLog;
  /** Names this worker in leases and log lines (default: a random id). */
  readonly workerId?: string;
  /** How long a claim on due deadlines lasts (default 30 s). */
  readonly leaseMs?: number;
  /** How long the projector lease lasts without renewal: a dead projector is replaced after it (default 30 s). */
  readonly projectorLeaseMs?: number;
  /** Delay before a failed deadline is tried again (default 60 s). */
  readonly retryMs?: number;
  /** How long a tick waits for the read model to reach the head of the log (default 5 s). */
  readonly catchUpTimeoutMs?: number;
  /** The 004 value-category thresholds, used when `config.review.rule` is `value_category`. */
  readonly valueCategoryRule?: ValueCategoryRule;
  /** Wall-clock milliseconds for leases (process liveness, not domain time); default `Date.now`. */
  readonly wallClock?: () => number;
  /** Archives the command handler keeps decoded between findings (default 1000; findings are sparse). */
  readonly cachedArchives?: number;
  /** Poll interval of the worker's own projection runner (default 200 ms). */
  readonly projectionPollMs?: number;
}

export interface TickReport {
  readonly worker: string;
  /** Domain time the tick judged deadlines at. */
  readonly at: string;
  /** Whether the read model had reached the head of the log when the tick began. */
  readonly caughtUp: boolean;
  readonly claimed: number;
  /** Findings appended by this tick. */
  readonly recorded: number;
  /** Already recorded (by another worker, or before a restart): nothing appended. */
  readonly replayed: number;
  /** No longer true (the update arrived, the contact was logged, …): nothing appended. */
  readonly moot: number;
  /** Overtaken before they fired (a warning once the breach is due, `ContactDue` once overdue). */
  readonly superseded: number;
  readonly failed: number;
  readonly tierReviews: number;
  readonly ms: number;
}

type Counts = {
  -readonly [
    K in 'claimed' | 'recorded' | 'replayed' | 'moot' | 'superseded' | 'failed' | 'tierReviews'
  ]: number;
};

/**
 * The deadline worker (issue #6): each tick claims the deadlines due at `clock.now()` and fires them through
 * the command handler as `RecordFinding` with a command id derived from the finding key and the archive id.
 * The decider records a finding once and only while it is still true; the handler answers a repeated
 * command id with the first result; the store refuses an append on a stale revision. So two workers, a
 * restart or a replay never record the same finding twice, and a moot deadline never fires.
 */
export const createWorker = (options: WorkerOptions) => {
  const { store, keys, db, dialect } = options;
  const clock = options.clock ?? systemClock;
  const config = options.config ?? defaultPolicyConfig;
  const log = options.log ?? stdoutLog;
  const id = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const tickMs = options.tickMs ?? 10_000;
  const batchSize = options.batchSize ?? 500;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const leaseMs = options.leaseMs ?? 30_000;
  const projectorLeaseMs = options.projectorLeaseMs ?? 30_000;
  const retryMs = options.retryMs ?? 60_000;
  const catchUpTimeoutMs = options.catchUpTimeoutMs ?? 5_000;
  const categoryRule = options.valueCategoryRule ?? defaultValueCategoryRule;
  const wall = options.wallClock ?? Date.now;
  const handler = commandHandler({
    store,
    keys,
    clock,
    config,
    cachedArchives: options.cachedArchives ?? 1000,
  });
  const projector = deadlineProjector({
    store,
    db,
    dialect,
    config,
    log,
    worker: id,
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.project === false ? { project: false } : {}),
    leaseMs: projectorLeaseMs,
    catchUpTimeoutMs,
    pollMs: options.projectionPollMs ?? 200,
    wall,
  });
  const tableOf = projector.tableOf;
  const deadlines: DeadlineTable = { db, dialect, table: tableOf(DEADLINES) };
  const recordFinding = findingRecorder({ handler, clock, config, log, worker: id });
  const record = async (archiveId: string, finding: Finding, dueAt: string, counts: Counts) => {
    const r = await recordFinding(archiveId, finding, dueAt);
    counts[r.outcome]++;
    return r;
  };

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let leaderTimer: NodeJS.Timeout | undefined;
  let current: Promise<TickReport> | undefined;

  /** Run `work` over `items` with `concurrency` lanes. */
  const inLanes = async <T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) await work(items[next++]!);
      }),
    );
  };

  /** Fire one deadline; answers whether it is done with (settled in bulk by the caller) or kept for a retry. */
  const fire = async (d: ClaimedDeadline, dueBy: number, counts: Counts): Promise<boolean> => {
    if (d.expiresMs !== undefined && d.expiresMs <= dueBy) {
      counts.superseded++;
      return true;
    }
    const { outcome, error } = await record(d.archiveId, d.work as Finding, d.dueAt, counts);
    if (outcome !== 'failed') return true;
    await defer(deadlines, d, wall() + retryMs, error ?? 'failed');
    return false;
  };

  /** DOMAIN.md §5: rank every open archive for the latest boundary passed, then move on to the next one. */
  const tierReview = async (d: ClaimedDeadline, counts: Counts): Promise<void> => {
    const now = clock.now().toISOString();
    const boundary = tierReviewAtOrBefore(config, now);
    const tables = { db, archives: tableOf(ARCHIVES), transactions: tableOf(TRANSACTIONS) };
    let failed = 0;
    let recorded = 0;
    let proposals = 0;
    try {
      const proposed = await tierReviewProposals(tables, config, categoryRule, {
        periodEnd: boundary.periodEnd,
        asOf: boundary.at,
      });
      proposals = proposed.length;
      let renewedAt = wall();
      await inLanes(proposed, async (p) => {
        const { outcome } = await record(p.archiveId, p.finding, boundary.at, counts);
        if (outcome === 'failed') failed++;
        if (outcome === 'recorded') recorded++;
        if (wall() - renewedAt > leaseMs / 3) {
          renewedAt = wall();
          await renewLease(deadlines, d, id, renewedAt + leaseMs);
        }
      });
    } catch (e) {
      failed++;
      writeLine(log, {
        level: 'error',
        msg: 'tier review failed',
        worker: id,
        periodEnd: boundary.periodEnd,
        error: errorText(e),
      });
    }
    counts.tierReviews++;
    writeLine(log, {
      level: failed ? 'warn' : 'info',
      msg: 'tier review',
      at: now,
      worker: id,
      periodEnd: boundary.periodEnd,
      rule: config.review.rule,
      proposals,
      recorded,
      failed,
    });
    if (failed) return defer(deadlines, d, wall() + retryMs, `${failed} proposals failed`);
    return reschedule(deadlines, d, tierReviewOf(tierReviewAfter(config, now)));
  };

  const runTick = async (): Promise<TickReport> => {
    const started = Date.now();
    await projector.prepare();
    if (projector.ownsRunner) await projector.lead();
    const caughtUp = await projector.catchUp();
    const at = clock.now();
    const dueBy = at.getTime();
    const counts: Counts = {
      claimed: 0,
      recorded: 0,
      replayed: 0,
      moot: 0,
      superseded: 0,
      failed: 0,
      tierReviews: 0,
    };
    for (;;) {
      const claimed = await claimDue(deadlines, {
        owner: id,
        dueBy,
        leaseNow: wall(),
        leaseMs,
        limit: batchSize,
      });
      counts.claimed += claimed.length;
      const byArchive = new Map<string, ClaimedDeadline[]>();
      const reviews: ClaimedDeadline[] = [];
      for (const d of claimed) {
        if (d.kind === 'tier_review') reviews.push(d);
        else byArchive.set(d.archiveId, [...(byArchive.get(d.archiveId) ?? []), d]);
      }
      const done: ClaimedDeadline[] = [];
      await inLanes([...byArchive.values()], async (group) => {
        for (const d of group) if (await fire(d, dueBy, counts)) done.push(d);
      });
      // a crash (or an error) here leaves the rows claimed: after the lease they fire again, as replays
      await settle(deadlines, done).catch((e: unknown) =>
        writeLine(log, {
          level: 'warn',
          msg: 'settling fired deadlines failed',
          worker: id,
          error: errorText(e),
        }),
      );
      for (const d of reviews) await tierReview(d, counts);
      if (claimed.length < batchSize) break;
    }
    return { worker: id, at: at.toISOString(), caughtUp, ...counts, ms: Date.now() - started };
  };

  /** Evaluate the deadlines due at `clock.now()` and fire them; ticks never overlap. */
  const tick = (): Promise<TickReport> => {
    const next = (current ?? Promise.resolve()).catch(() => undefined).then(runTick);
    current = next;
    return next;
  };

  const loop = async () => {
    if (!running) return;
    try {
      await tick();
    } catch (e) {
      writeLine(log, { level: 'error', msg: 'tick failed', worker: id, error: errorText(e) });
    }
    if (running) timer = setTimeout(loop, tickMs);
  };

  const renewLeadership = async () => {
    if (!running) return;
    await projector
      .lead()
      .catch((e) =>
        writeLine(log, { level: 'error', msg: 'leadership failed', worker: id, error: errorText(e) }),
      );
    if (running) leaderTimer = setTimeout(renewLeadership, Math.max(50, Math.floor(projectorLeaseMs / 3)));
  };

  return {
    id,
    tick,
    /** Tick now and every `tickMs` (and keep the projector lease, when the worker projects for itself). */
    async start(): Promise<void> {
      if (running) return;
      running = true;
      await projector.prepare();
      if (projector.ownsRunner) await renewLeadership();
      void loop();
    },
    /** Stop ticking, let the tick in progress finish, stop projecting and give up the projector lease. */
    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      clearTimeout(leaderTimer);
      await current?.catch(() => undefined);
      await projector.stop();
    },
    /** True while this process runs the deadlines projection (always false with an injected runner). */
    projecting: projector.projecting,
  };
};

export type Worker = ReturnType<typeof createWorker>;
