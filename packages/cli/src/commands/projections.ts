import { defaultPolicyConfig } from '@dossier/core';
import type { CommandContext } from '../cli/context';
import { CommandError, EXIT, UsageError } from '../cli/errors';
import { loadApi } from '../cli/lazy-api';
import { loadWorker } from '../cli/lazy-worker';
import { count } from '../cli/progress';
import { renderTable } from '../cli/table';
import { findProjection } from '../projections/catalog';
import { sideTables, sqliteScratchFile } from '../projections/copy-space';
import { rebuildProjection } from '../projections/rebuild';
import { readProjectionStatus } from '../projections/status';
import { withStore } from '../store/open-store';
import { openReadModels } from '../store/read-models-db';
import { describeLocation, storeLocation } from '../store/store-url';

/** `dossier projections status [--json]`: lag per read model; exit 1 when an active one failed. */
export const projectionsStatus = async (ctx: CommandContext): Promise<number> =>
  withStore(ctx.storeUrl, ctx.env, async (store) => {
    const readModels = openReadModels(store.location, ctx.env);
    try {
      const head = await store.events.headPosition();
      const rows = await readProjectionStatus(readModels.db, head);
      if (ctx.flag('json'))
        await ctx.out(JSON.stringify({ head: head.toString(), readModels: rows ?? [] }, null, 2) + '\n');
      else if (!rows?.length)
        await ctx.out(
          `no read model has run on ${readModels.where} yet: \`dossier start\` or \`dossier projections\` builds them\n`,
        );
      else
        await ctx.out(
          [
            ...renderTable(
              ['read model', 'version', 'active', 'checkpoint', 'lag', 'state'],
              rows.map((r) => [
                r.name,
                String(r.version),
                r.active ? 'yes' : 'no',
                count(Number(r.checkpoint)),
                count(Number(r.lag)),
                r.state,
              ]),
              { right: [1, 3, 4] },
            ),
            '',
            `log head at position ${count(Number(head))}`,
            ...rows.filter((r) => r.error).map((r) => `${r.name} v${r.version}: ${r.error}`),
          ].join('\n') + '\n',
        );
      return rows?.some((r) => r.active && r.state === 'failed') ? EXIT.failed : EXIT.ok;
    } finally {
      await readModels.close();
    }
  });

/** `dossier projections rebuild <name>`: side by side, then take over; old rows stay active if interrupted. */
export const projectionsRebuild = async (ctx: CommandContext): Promise<number> => {
  const name = ctx.positionals[0]!;
  const { found: projection, names } = findProjection(name);
  if (!projection) throw new UsageError(`no read model ${name}: one of ${names.join(', ')}`);
  return withStore(ctx.storeUrl, ctx.env, async (store) => {
    const readModels = openReadModels(store.location, ctx.env);
    const progress = ctx.progress(`rebuild ${name}`, 'events');
    try {
      const result = await rebuildProjection({
        events: store.events,
        db: readModels.db,
        dialect: readModels.dialect,
        projection,
        space: async (p) =>
          readModels.path
            ? sqliteScratchFile(readModels.path, p, ctx.onForcedExit)
            : sideTables(readModels.db, p),
        config: defaultPolicyConfig,
        signal: ctx.signal,
        progress,
      });
      progress.done(`${count(result.events)} events read into a new copy`);
      await ctx.out(
        `rebuilt ${name} v${projection.version}: the new copy took over at position ${result.position} (the live one stood at ${result.liveCheckpoint})\n`,
      );
      return EXIT.ok;
    } catch (e) {
      progress.stop();
      if (ctx.signal.aborted) ctx.note(`rebuild ${name}: interrupted; the old rows stay active`);
      throw e;
    } finally {
      await readModels.close();
    }
  });
};

/**
 * `dossier projections`: the projection runner alone, with every read model of the main job (the worker's
 * too, when it is installed), until Ctrl-C. Runners share a database safely (guarded checkpoints).
 */
export const projectionsRun = async (ctx: CommandContext): Promise<'handed-over'> => {
  const location = storeLocation(ctx.storeUrl);
  const api = loadApi();
  const settings = api.settingsFromEnv({ ...ctx.env, DOSSIER_STORE_URL: ctx.storeUrl });
  const workerProjections = loadWorker()?.workerProjections?.() ?? [];
  let dossier: Awaited<ReturnType<typeof api.composeDossier>>;
  try {
    // the worker's read models without the worker: a hook that starts nothing
    dossier = await api.composeDossier({
      ...settings,
      worker: { projections: workerProjections, start: () => undefined },
    });
  } catch (e) {
    throw new CommandError(`cannot open ${describeLocation(location)}: ${(e as Error).message}`);
  }
  const summary = async () => {
    const all = await dossier.runner.status();
    const lag = all.reduce((m, s) => (s.lag > m ? s.lag : m), 0n);
    const failed = all.filter((s) => s.state === 'failed').map((s) => s.name);
    return `${all.length} read models, largest lag ${lag}${failed.length ? `, failed: ${failed.join(', ')}` : ''}`;
  };
  ctx.note(
    `[dossier] projections running on ${dossier.describe.store} (read models: ${dossier.describe.readModels}); Ctrl-C stops`,
  );
  ctx.note(`[dossier] ${await summary()}`);
  let last = '';
  const timer = setInterval(
    () => {
      void summary().then((s) => {
        if (s !== last) ctx.note(`[dossier] ${s}`);
        last = s;
      });
    },
    Number(ctx.env.DOSSIER_PROJECTIONS_REPORT_MS) || 10_000,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    ctx.note(`[dossier] ${signal}: stopping the projections`);
    await dossier.close();
    process.exit(EXIT.ok);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return 'handed-over';
};
