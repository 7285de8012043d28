#!/usr/bin/env node
/*
 * The worker as a process of its own (for scale; by default it runs inside the main process):
 *
 *   pnpm --filter @dossier/worker worker            # or: node packages/worker/dist/main.js [--once]
 *
 * Environment:
 *   DOSSIER_STORE_URL        sqlite:./data/dossier.db (default) or postgres://user:pass@host/db
 *   DOSSIER_MASTER_KEY       base64 of 32 bytes; for SQLite, default: master.key beside the file (0600)
 *   DOSSIER_TIME_ZONE        company time zone (default Asia/Shanghai)
 *   DOSSIER_TIER_REVIEW_RULE rank (default) or value_category
 *   DOSSIER_WORKER_ID        name in leases and log lines (default: random)
 *   DOSSIER_WORKER_TICK_MS   between ticks (default 10000); DOSSIER_WORKER_BATCH (500);
 *   DOSSIER_WORKER_CONCURRENCY (8); DOSSIER_WORKER_LEASE_MS (30000); DOSSIER_WORKER_RETRY_MS (60000)
 *   DOSSIER_WORKER_PROJECTOR_LEASE_MS (30000): a dead projector is replaced after this
 *   DOSSIER_WORKER_PROJECTS  true (default): the workers keep the deadline read model themselves (one at a
 *                            time, by lease); false when the main process's runner already projects it
 * Several worker processes may share one PostgreSQL database: they split the due deadlines between them and
 * never record a finding twice. Log lines are JSON, one per line, on stdout.
 */
import { defaultPolicyConfig } from '@dossier/core';
import type { PolicyConfig } from '@dossier/core';
import { openStoreFromUrl, redact } from './store-url';
import { createWorker } from './worker';
import { stdoutLog, writeLine } from './worker-log';

const env = process.env;

const numberFrom = (name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${raw})`);
  return n;
};

const configFromEnv = (): PolicyConfig => {
  const rule = env.DOSSIER_TIER_REVIEW_RULE ?? defaultPolicyConfig.review.rule;
  if (rule !== 'rank' && rule !== 'value_category')
    throw new Error(`DOSSIER_TIER_REVIEW_RULE must be rank or value_category (got ${rule})`);
  const timeZone = env.DOSSIER_TIME_ZONE ?? defaultPolicyConfig.timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(`DOSSIER_TIME_ZONE ${timeZone} is not a time zone (IANA names, e.g. Asia/Shanghai)`);
  }
  return {
    ...defaultPolicyConfig,
    timeZone,
    review: { ...defaultPolicyConfig.review, rule },
  };
};

const main = async () => {
  const once = process.argv.includes('--once');
  const config = configFromEnv();
  const opened = await openStoreFromUrl();
  const worker = createWorker({
    store: opened.events,
    keys: opened.keys,
    db: opened.db,
    dialect: opened.dialect,
    config,
    log: stdoutLog,
    ...(env.DOSSIER_WORKER_ID ? { workerId: env.DOSSIER_WORKER_ID } : {}),
    tickMs: numberFrom('DOSSIER_WORKER_TICK_MS', 10_000),
    batchSize: numberFrom('DOSSIER_WORKER_BATCH', 500),
    concurrency: numberFrom('DOSSIER_WORKER_CONCURRENCY', 8),
    leaseMs: numberFrom('DOSSIER_WORKER_LEASE_MS', 30_000),
    projectorLeaseMs: numberFrom('DOSSIER_WORKER_PROJECTOR_LEASE_MS', 30_000),
    retryMs: numberFrom('DOSSIER_WORKER_RETRY_MS', 60_000),
    project: env.DOSSIER_WORKER_PROJECTS !== 'false',
  });
  const where = opened.location.kind === 'sqlite' ? opened.location.path : redact(opened.location.url);
  writeLine(stdoutLog, {
    level: 'info',
    msg: 'worker started',
    worker: worker.id,
    store: opened.location.kind,
    where,
    timeZone: config.timeZone,
    pid: process.pid,
  });

  if (once) {
    const report = await worker.tick();
    writeLine(stdoutLog, { level: 'info', msg: 'tick', ...report });
    await worker.stop();
    await opened.close();
    return;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    writeLine(stdoutLog, { level: 'info', msg: 'worker stopping', worker: worker.id, signal });
    await worker.stop();
    await opened.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await worker.start();
};

// a projection lane that hits a database error rejects unobserved: say so in the log, and let a supervisor restart us
process.on('unhandledRejection', (e: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'unhandled rejection', error: (e as Error)?.message ?? String(e) })}\n`,
  );
  process.exit(1);
});

main().catch((e: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'worker failed', error: (e as Error)?.message ?? String(e) })}\n`,
  );
  process.exit(1);
});
