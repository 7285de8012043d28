import { readFileSync } from 'node:fs';
import { CommandError } from '../cli/errors';

/** A digest kept by an auditor: its token and, when the whole digest was kept, the heads it signed. */
export interface KeptDigest {
  readonly token: string;
  readonly heads?: readonly { streamId: string; revision: string; position: string; hash: string }[];
  readonly signedAt?: string;
}

const TOKEN = /^v1\.\d{1,19}\.[0-9a-f]{64}\.[A-Za-z0-9_-]+$/;

/** The output of `dossier digest` or of `GET /audit/digest` (JSON), or just its token on a line. */
export const readDigestFile = (file: string): KeptDigest => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new CommandError(`--digest: cannot read ${file}: ${(e as Error).message}`);
  }
  if (!text.startsWith('{')) {
    if (!TOKEN.test(text)) throw new CommandError(`--digest: ${file} holds neither a digest nor its token`);
    return { token: text };
  }
  let body: { token?: unknown; heads?: unknown; signedAt?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (e) {
    throw new CommandError(`--digest: ${file} is not JSON: ${(e as Error).message}`);
  }
  if (typeof body.token !== 'string' || !TOKEN.test(body.token))
    throw new CommandError(`--digest: ${file} has no digest token (the "token" of \`dossier digest\`)`);
  return {
    token: body.token,
    ...(Array.isArray(body.heads) ? { heads: body.heads as KeptDigest['heads'] } : {}),
    ...(typeof body.signedAt === 'string' ? { signedAt: body.signedAt } : {}),
  };
};
