import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CommandError } from '../cli/errors';
import type { StoreLocation } from './store-url';

/** The operator's master key, if there is one, and where it came from (for messages). */
export interface OperatorKey {
  readonly key?: Uint8Array;
  readonly source: string;
}

const decode = (text: string, where: string): Uint8Array => {
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length !== 32)
    throw new CommandError(`${where} must hold 32 bytes in base64 (it decodes to ${bytes.length})`);
  return new Uint8Array(bytes);
};

/**
 * The master key where the main job finds it: `DOSSIER_MASTER_KEY` (base64 of 32 bytes), else `master.key`
 * beside the SQLite file. Unlike the main job, the command never creates one: without a key (or with another
 * deployment's), personal values are withheld, which is what an operator without the key should see.
 */
export const operatorMasterKey = (location: StoreLocation, env: NodeJS.ProcessEnv): OperatorKey => {
  if (env.DOSSIER_MASTER_KEY)
    return { key: decode(env.DOSSIER_MASTER_KEY, 'DOSSIER_MASTER_KEY'), source: 'DOSSIER_MASTER_KEY' };
  if (location.kind === 'sqlite') {
    const file = join(dirname(location.path), 'master.key');
    if (existsSync(file)) return { key: decode(readFileSync(file, 'utf8'), file), source: file };
    return { source: `none (no ${file}, no DOSSIER_MASTER_KEY)` };
  }
  return { source: 'none (DOSSIER_MASTER_KEY is not set)' };
};
