import type { CommandContext } from '../cli/context';
import { EXIT, UsageError } from '../cli/errors';
import { loadApi } from '../cli/lazy-api';
import type { KeptDigest } from '../integrity/digest-file';
import { readDigestFile } from '../integrity/digest-file';
import { signingKeyFor } from '../integrity/integrity';
import type { DigestReport } from '../integrity/verify-digest';
import { verifyDigest } from '../integrity/verify-digest';
import type { LogReport } from '../integrity/verify-log';
import { verifyArchive, verifyLog } from '../integrity/verify-log';
import { archiveText, digestText, logText } from '../integrity/verify-text';
import { withStore } from '../store/open-store';

/** `dossier verify [<archive>] [--digest <file>] [--json]`: exit 0 verified, 1 not (the first broken link named). */
export const verify = async (ctx: CommandContext): Promise<number> => {
  const archiveId = ctx.positionals[0];
  const digestFile = ctx.value('digest');
  if (archiveId !== undefined && digestFile !== undefined)
    throw new UsageError('--digest checks the whole log: give no archive with it');
  const kept: KeptDigest | undefined = digestFile !== undefined ? readDigestFile(digestFile) : undefined;
  const json = ctx.flag('json');
  return withStore(ctx.storeUrl, ctx.env, async (store) => {
    if (archiveId !== undefined) {
      const report = await verifyArchive(store.events, archiveId);
      await ctx.out(json ? JSON.stringify(report, null, 2) + '\n' : archiveText(report).join('\n') + '\n');
      return report.verified ? EXIT.ok : EXIT.failed;
    }
    // the API (for its digest check) only with a digest; before the long scan, the key that signed it
    const api = kept ? loadApi() : undefined;
    const signingKey = api ? signingKeyFor(api, store.keysLocation, ctx.env, false) : undefined;
    const log: LogReport = await verifyLog(store.events, ctx);
    let digest: DigestReport | undefined;
    if (kept && log.verified) digest = await verifyDigest(api!, store.events, signingKey!, kept, ctx);
    const verified = log.verified && (digest?.verified ?? true);
    if (json) await ctx.out(JSON.stringify({ verified, log, ...(digest ? { digest } : {}) }, null, 2) + '\n');
    else
      await ctx.out(
        [...logText(log), ...(digest ? digestText(digest, kept?.signedAt) : [])].join('\n') + '\n',
      );
    return verified ? EXIT.ok : EXIT.failed;
  });
};
