import type { DemoSummary, MovableClock } from '@dossier/api';
import type { CommandContext } from '../cli/context';
import { CommandError, Interrupted, throwIfAborted } from '../cli/errors';
import type { Api } from '../cli/lazy-api';

export interface DemoSize {
  readonly archives?: number;
  readonly days?: number;
  readonly seed?: number;
}

const DAY = 86_400_000;

/**
 * The API's demo loader on the store a URL names (composed as the main job composes it, without a worker),
 * with progress by simulated day; it stops at the start of the next day once interrupted. Then it waits for
 * the read models, so that the first start serves at once.
 */
export const loadDemo = async (
  api: Api,
  url: string,
  size: DemoSize,
  ctx: CommandContext,
  extra: { readonly synchronous?: 'NORMAL' | 'FULL' } = {},
): Promise<{ summary: DemoSummary; head: bigint }> => {
  const settings = api.settingsFromEnv({ ...ctx.env, DOSSIER_STORE_URL: url });
  const dossier = await api.composeDossier({ ...settings, ...extra, startWorker: false });
  const held = await dossier.events.headPosition();
  if (held > 0n) {
    await dossier.close();
    throw new CommandError(
      `${dossier.describe.store} holds ${held} events already: demo data loads only into an empty store`,
    );
  }
  const days = size.days ?? 730;
  const now = new Date();
  const progress = ctx.progress('demo', 'days');
  const clock: MovableClock = {
    now: () => dossier.clock.now(),
    pin: (at) => {
      dossier.clock.pin(at);
      if (at === undefined) return;
      // the loader pins the clock as each simulated day begins, after the day before is stored
      throwIfAborted(ctx.signal);
      const left = Math.floor((now.getTime() - new Date(at).getTime()) / DAY);
      progress.update(Math.min(days, Math.max(0, days - left)), days);
    },
  };
  try {
    const summary = await api.loadDemoData(
      { ...dossier, clock },
      {
        now,
        ...(size.archives !== undefined ? { archives: size.archives } : {}),
        ...(size.days !== undefined ? { days: size.days } : {}),
        ...(size.seed !== undefined ? { seed: size.seed } : {}),
        onProgress: (line) => {
          if (line.includes('refused')) progress.log(line);
        },
      },
    );
    progress.update(days, days);
    progress.done(`${summary.archives} archives over ${days} days`);
    const head = await dossier.events.headPosition();
    if (!ctx.quiet) ctx.note('demo: projecting the read models…');
    const stopped = new Promise<boolean>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve(false)),
    );
    if (!(await Promise.race([dossier.runner.waitFor(head, 120_000), stopped])) && ctx.signal.aborted)
      throw new Interrupted();
    return { summary, head };
  } catch (e) {
    progress.stop();
    throw e;
  } finally {
    await dossier.close();
  }
};
