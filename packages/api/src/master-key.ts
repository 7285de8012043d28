import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { masterKeyFile, masterKeyFromEnv } from '@dossier/worker';

/**
 * The master key that wraps every archive's data key: DOSSIER_MASTER_KEY (base64, 32 bytes), or for SQLite a
 * `master.key` file beside the database, created with mode 0600 on first start (the worker's key file rules:
 * created atomically, refused when others may read it). Losing it loses every personal field, exactly as
 * destruction does: back it up apart from the database.
 */
export const loadMasterKey = (options: {
  base64?: string;
  file?: string;
}): { key: Uint8Array; source: string } => {
  if (options.base64)
    return { key: masterKeyFromEnv({ DOSSIER_MASTER_KEY: options.base64 })!, source: 'DOSSIER_MASTER_KEY' };
  if (!options.file) throw new Error('DOSSIER_MASTER_KEY (base64, 32 bytes) is required for this store');
  mkdirSync(dirname(options.file), { recursive: true });
  return { key: masterKeyFile(options.file), source: options.file };
};
