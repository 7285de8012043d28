import type { CommandContext } from '../cli/context';
import { EXIT } from '../cli/errors';
import { parseCount } from '../cli/instant';
import { loadApi } from '../cli/lazy-api';
import { count } from '../cli/progress';
import { renderTable } from '../cli/table';
import { checkEmptySqlite, sqliteBuiltAside } from '../demo/demo-file';
import type { DemoSize } from '../demo/load-demo';
import { loadDemo } from '../demo/load-demo';
import { describeLocation, storeLocation } from '../store/store-url';

const sizeOf = (ctx: CommandContext): DemoSize => {
  const archives = ctx.value('archives');
  const days = ctx.value('days');
  const seed = ctx.value('seed');
  return {
    ...(archives !== undefined ? { archives: parseCount(archives, 'archives', 1) } : {}),
    ...(days !== undefined ? { days: parseCount(days, 'days', 1) } : {}),
    ...(seed !== undefined ? { seed: parseCount(seed, 'seed') } : {}),
  };
};

/**
 * `dossier demo [--archives <n>] [--days <n>] [--seed <n>]`: the demo company's history into an empty store.
 * SQLite: built in a file beside the target and renamed into place when complete, so Ctrl-C leaves no store
 * behind. PostgreSQL and EventStoreDB: loaded in place (Ctrl-C stops at the next simulated day; the days
 * before it stay).
 */
export const demo = async (ctx: CommandContext): Promise<number> => {
  const size = sizeOf(ctx);
  const location = storeLocation(ctx.storeUrl);
  const api = loadApi();
  const started = Date.now();
  let loaded: Awaited<ReturnType<typeof loadDemo>>;
  if (location.kind === 'sqlite') {
    await checkEmptySqlite(location.path, ctx.env);
    const aside = sqliteBuiltAside(location.path, ctx.onForcedExit);
    try {
      // NORMAL: the file is synced once, whole, before it is put in place
      loaded = await loadDemo(api, `sqlite:${aside.temp}`, size, ctx, { synchronous: 'NORMAL' });
      aside.commit();
    } catch (e) {
      aside.discard();
      throw e;
    }
  } else {
    try {
      loaded = await loadDemo(api, ctx.storeUrl, size, ctx);
    } catch (e) {
      if (ctx.signal.aborted)
        ctx.note('demo: interrupted; the simulated days loaded so far stay in the store');
      throw e;
    }
  }
  const { summary } = loaded;
  const types = Object.entries(summary.eventTypes).sort(([a], [b]) => (a < b ? -1 : 1));
  const events = types.reduce((n, [, k]) => n + k, 0);
  await ctx.out(
    [
      `demo data in ${describeLocation(location)}: ${summary.archives} archives, ${count(events)} events of ${types.length} types,`,
      `recorded from ${summary.from.slice(0, 10)} to ${summary.to.slice(0, 10)} (${summary.refused} commands refused by the rules), in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      '',
      ...renderTable(
        ['event type', 'count'],
        types.map(([t, n]) => [t, count(n)]),
        { right: [1], indent: '  ' },
      ),
      '',
      'next: dossier start   (or: dossier replay demo-0001, dossier verify, dossier export --out history.jsonl)',
    ].join('\n') + '\n',
  );
  return EXIT.ok;
};
