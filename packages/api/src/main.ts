#!/usr/bin/env node
/*
 * The main job: the API, the projections and (when installed) the worker in one process, on the embedded
 * SQLite file by default. `--demo` first loads a realistic data set into an empty store.
 */
import 'reflect-metadata';
import { createApp, DOCS_PATH, OPENAPI_PATH } from './app/create-app';
import { parseArgs } from './cli/args';
import type { Projection } from '@dossier/projections';
import type { RunningWorker, WorkerHook } from './compose';
import { composeDossier } from './compose';
import { loadDemoData } from './demo/demo-data';
import { WebhookDeliveryService } from './feed/webhook-delivery.service';
import { settingsFromEnv } from './settings';

/**
 * The hook for packages/worker: when `@dossier/worker` is installed beside the API it runs in this process,
 * on the opened store and read-model database, its deadline read model projected by the main runner.
 */
const loadWorker = (): WorkerHook | undefined => {
  let mod: Record<string, unknown>;
  try {
    // an optional package, resolved at run time only: absent is a normal outcome
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('@dossier/worker') as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    console.warn(
      '[dossier] the worker (@dossier/worker) is not installed: deadlines are not enforced in this process',
    );
    return undefined;
  }
  const start = mod.startInProcessWorker as
    ((o: Record<string, unknown>) => Promise<RunningWorker>) | undefined;
  const projections = mod.workerProjections as (() => Projection[]) | undefined;
  if (typeof start !== 'function') {
    console.warn('[dossier] @dossier/worker exports no startInProcessWorker: the worker does not run');
    return undefined;
  }
  return {
    projections: projections?.() ?? [],
    start: (deps) =>
      start({
        store: { events: deps.events, keys: deps.keys },
        db: deps.db,
        dialect: deps.dialect,
        clock: deps.clock,
        config: deps.config,
        runner: deps.runner,
      }),
  };
};

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const settings = settingsFromEnv();
  const port = args.get('port');
  const worker = loadWorker();
  const demo = args.has('demo');
  // with --demo the worker starts once the demo data is in (its deadlines then run from the present)
  const dossier = await composeDossier({ ...settings, ...(worker ? { worker } : {}), startWorker: !demo });
  if (demo) {
    const head = await dossier.events.headPosition();
    if (head > 0n)
      console.log(
        `[dossier] --demo: the store holds ${head} events already; demo data loads only into an empty store`,
      );
    else {
      const archives = args.get('archives');
      const started = Date.now();
      console.log('[dossier] --demo: loading two years of a demo company (a minute or two)…');
      const summary = await loadDemoData(dossier, {
        ...(typeof archives === 'string' ? { archives: Number(archives) } : {}),
        onProgress: (line) => console.log(`[dossier] ${line}`),
      });
      const events = Object.values(summary.eventTypes).reduce((a, b) => a + b, 0);
      console.log(
        `[dossier] --demo: ${summary.archives} archives, ${events} events of ${Object.keys(summary.eventTypes).length} types ` +
          `(${summary.refused} commands refused by the rules) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
  const workerRuns = await dossier.startWorker();
  const app = await createApp(
    dossier,
    { ...settings, ...(typeof port === 'string' ? { port: Number(port) } : {}) },
    true,
  );
  const listenPort = typeof port === 'string' ? Number(port) : settings.port;
  await app.listen({ port: listenPort, host: settings.host });
  // the webhook dispatcher and sender run in the main process (issue #7)
  app.get(WebhookDeliveryService).start();
  const url = `http://${settings.host === '0.0.0.0' ? 'localhost' : settings.host}:${listenPort}`;
  const lines = [
    '',
    `Dossier API      ${url}`,
    `API docs         ${url}/${DOCS_PATH}   (OpenAPI: ${url}/${OPENAPI_PATH})`,
    `store            ${dossier.describe.store}`,
    `read models      ${dossier.describe.readModels}`,
    `master key       ${dossier.describe.masterKey}`,
    `digest key       ${dossier.describe.signingKey}`,
    `worker           ${workerRuns ? 'running in this process' : 'not running'}`,
    '',
    'Get a token (roles: sales_rep sales_manager marketing_manager marketing_director customer_service',
    '             department_head auditor other_department system):',
    '  npm run token -- --role marketing_manager --department marketing',
    `  curl -H "Authorization: Bearer $TOKEN" ${url}/archives`,
    '',
  ];
  if (!settings.identity.secret && !settings.identity.jwksUrl)
    lines.push(
      'WARNING: DOSSIER_JWT_SECRET is not set: tokens are signed with the public development secret.',
      '',
    );
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[dossier] ${signal}: stopping`);
    await app.close();
    await dossier.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
