import type { EventStore } from '@dossier/core';
import type { SigningKey } from '@dossier/api';
import type { CommandContext } from '../cli/context';
import type { KeptDigest } from './digest-file';
import { integrityService } from './integrity';
import { watchedEvents } from './watched-events';
import type { Api } from '../cli/lazy-api';

/** The API's answer to a digest check (`GET /audit/verify`): verified, or why not and where. */
export type DigestReport = Awaited<ReturnType<InstanceType<Api['IntegrityService']>['verifyDigest']>>;

/** Does the log up to the digest's position still hash to the signed heads? (The API's check, with progress.) */
export const verifyDigest = async (
  api: Api,
  events: EventStore,
  signingKey: SigningKey,
  digest: KeptDigest,
  ctx: CommandContext,
): Promise<DigestReport> => {
  const until = Number(digest.token.split('.')[1]);
  const progress = ctx.progress('digest', 'events');
  progress.update(0, until);
  const watched = watchedEvents(events, ctx.signal, (p) =>
    progress.update(Math.min(Number(p), until), until),
  );
  try {
    const report = await integrityService(api, watched, signingKey).verifyDigest(digest.token, digest.heads);
    progress.done(report.verified ? `the log up to position ${until} checked against the digest` : 'checked');
    return report;
  } catch (e) {
    progress.stop();
    throw e;
  }
};
