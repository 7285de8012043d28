import { archiveStream } from '@dossier/core';
import type { CommandContext } from '../cli/context';
import { EXIT, UsageError } from '../cli/errors';
import { parseInstant } from '../cli/instant';
import { personalValues } from '../personal/personal-values';
import type { ReplayBound } from '../replay/replay-archive';
import { replayArchive } from '../replay/replay-archive';
import { replayAnswer } from '../replay/replay-answer';
import { replayTable } from '../replay/replay-table';
import { withStore } from '../store/open-store';

const boundOf = (ctx: CommandContext): ReplayBound => {
  const at = ctx.value('at');
  const revision = ctx.value('revision');
  if (at !== undefined && revision !== undefined) throw new UsageError('give --at or --revision, not both');
  if (at !== undefined) return { at: parseInstant(at, 'at') };
  if (revision !== undefined) {
    if (!/^\d{1,19}$/.test(revision))
      throw new UsageError(`--revision: ${revision} is not a revision (0, 1, 2…)`);
    return { revision: BigInt(revision) };
  }
  return {};
};

/** `dossier replay <archive> [--at <time> | --revision <n>] [--json] [--reveal]` */
export const replay = async (ctx: CommandContext): Promise<number> => {
  const archiveId = ctx.positionals[0]!;
  const bound = boundOf(ctx);
  const reveal = ctx.flag('reveal');
  return withStore(ctx.storeUrl, ctx.env, async (store) => {
    const recorded = await store.events.readStream(archiveStream(archiveId));
    const replayed = replayArchive(archiveId, recorded, bound);
    const answer = await replayAnswer(replayed, personalValues(store.keys, reveal ? 'open' : 'withhold'));
    await ctx.out(
      ctx.flag('json')
        ? JSON.stringify(answer, null, 2) + '\n'
        : replayTable(answer, ctx.stdoutIsTty ? 60 : undefined),
    );
    if (reveal && !store.masterKey.key)
      ctx.note(`replay: no master key (${store.masterKey.source}): personal values stay withheld`);
    return EXIT.ok;
  });
};
