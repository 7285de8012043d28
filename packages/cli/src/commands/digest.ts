import type { CommandContext } from '../cli/context';
import { CommandError, EXIT } from '../cli/errors';
import { loadApi } from '../cli/lazy-api';
import { count } from '../cli/progress';
import { integrityService, signingKeyFor } from '../integrity/integrity';
import { watchedEvents } from '../integrity/watched-events';
import { withStore } from '../store/open-store';

/**
 * `dossier digest > file`: the signed digest of every stream head at the head of the log, exactly as
 * `GET /audit/digest` answers it (same format, same key): `dossier verify --digest file` or
 * `GET /audit/verify?digest=<token>` later proves that nothing up to it changed.
 */
export const digest = async (ctx: CommandContext): Promise<number> =>
  withStore(ctx.storeUrl, ctx.env, async (store) => {
    const api = loadApi();
    const signingKey = signingKeyFor(api, store.keysLocation, ctx.env, true);
    const head = await store.events.headPosition();
    const progress = ctx.progress('digest', 'events');
    progress.update(0, Number(head));
    const watched = watchedEvents(store.events, ctx.signal, (p) =>
      progress.update(Math.min(Number(p), Number(head)), Number(head)),
    );
    let signed: Awaited<ReturnType<InstanceType<typeof api.IntegrityService>['digest']>>;
    try {
      signed = await integrityService(api, watched, signingKey).digest();
    } catch (e) {
      progress.stop();
      // the API refuses to sign over a broken chain: that is a failed check, not a failure to run
      if ((e as { body?: { code?: string } }).body?.code === 'integrity.broken-chain')
        throw new CommandError(
          `${(e as Error).message}; \`dossier verify\` names the broken link`,
          EXIT.failed,
        );
      throw e;
    }
    // the API's digest signs the heads its scan reached: stopped by a broken link, they are not the store's
    const stored = (await store.events.streamHeads()).filter((h) => h.position <= BigInt(signed.position));
    const signedHeads = new Map(signed.heads.map((h) => [h.streamId, h]));
    const stale = stored.find((h) => {
      const s = signedHeads.get(h.streamId);
      return !s || s.revision !== h.revision.toString() || s.hash !== h.hash;
    });
    if (stale || stored.length !== signed.heads.length) {
      progress.stop();
      throw new CommandError(
        `the log up to position ${signed.position} does not verify${stale ? ` (at ${stale.streamId})` : ''}: no digest was written; \`dossier verify\` names the broken link`,
        EXIT.failed,
      );
    }
    progress.done(
      `${count(signed.streams)} stream heads at position ${signed.position}, signed (${signingKey.source})`,
    );
    await ctx.out(JSON.stringify(signed, null, 2) + '\n');
    return EXIT.ok;
  });
