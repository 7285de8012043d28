import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const decode = (text: string, where: string): Uint8Array => {
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length !== 32)
    throw new Error(`${where} must be 32 bytes, base64-encoded (it decodes to ${bytes.length})`);
  return new Uint8Array(bytes);
};

/**
 * The master key that wraps every archive's data key: DOSSIER_MASTER_KEY (base64, 32 bytes), or for SQLite a
 * `master.key` file beside the database, created with mode 0600 on first start. Losing it loses every
 * personal field, exactly as destruction does: back it up apart from the database.
 */
export const loadMasterKey = (options: {
  base64?: string;
  file?: string;
}): { key: Uint8Array; source: string } => {
  if (options.base64)
    return { key: decode(options.base64, 'DOSSIER_MASTER_KEY'), source: 'DOSSIER_MASTER_KEY' };
  if (!options.file) throw new Error('DOSSIER_MASTER_KEY (base64, 32 bytes) is required for this store');
  if (!existsSync(options.file)) {
    mkdirSync(dirname(options.file), { recursive: true });
    try {
      writeFileSync(options.file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return { key: decode(readFileSync(options.file, 'utf8'), options.file), source: options.file };
};
