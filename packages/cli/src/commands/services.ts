import type { CommandContext } from '../cli/context';
import { parseCount } from '../cli/instant';
import { apiMainPath } from '../cli/lazy-api';
import { workerMainPath } from '../cli/lazy-worker';
import { storeLocation } from '../store/store-url';

/** Run another package's main in this process, as if it had been started itself (its arguments, its signals). */
const handOver = (ctx: CommandContext, entry: string, argv: readonly string[]): 'handed-over' => {
  storeLocation(ctx.storeUrl); // a bad URL is a usage error here, before the main starts
  process.env.DOSSIER_STORE_URL = ctx.storeUrl;
  process.argv = [process.argv[0]!, entry, ...argv];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(entry);
  return 'handed-over';
};

/** `dossier start [--demo] [--archives <n>] [--port <n>]`: the main job, exactly what `npm start` runs. */
export const start = async (ctx: CommandContext): Promise<'handed-over'> => {
  const argv: string[] = [];
  if (ctx.flag('demo')) argv.push('--demo');
  const archives = ctx.value('archives');
  if (archives !== undefined) argv.push('--archives', String(parseCount(archives, 'archives', 1)));
  const port = ctx.value('port');
  if (port !== undefined) argv.push('--port', String(parseCount(port, 'port')));
  return handOver(ctx, apiMainPath(), argv);
};

/** `dossier worker [--once]`: the worker alone (`dossier-worker` of packages/worker). */
export const worker = async (ctx: CommandContext): Promise<'handed-over'> =>
  handOver(ctx, workerMainPath(), ctx.flag('once') ? ['--once'] : []);
