// The 32-byte master key that wraps every archive's data key: from the environment, or a key file.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

const decode = (text: string, where: string): Uint8Array => {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes in base64 (it holds ${key.length})`);
  return new Uint8Array(key);
};

/** The key from `DOSSIER_MASTER_KEY` (base64 of 32 bytes), if set. */
export const masterKeyFromEnv = (env: NodeJS.ProcessEnv = process.env): Uint8Array | undefined =>
  env.DOSSIER_MASTER_KEY ? decode(env.DOSSIER_MASTER_KEY, 'DOSSIER_MASTER_KEY') : undefined;

/**
 * The key kept in `path` (base64, mode 0600), created on first use. Creation is atomic (written beside it,
 * then linked into place), so processes starting together agree on one key and none reads half a file.
 * A key file that others may read is refused rather than used.
 */
export const masterKeyFile = (path: string): Uint8Array => {
  try {
    return readKeyFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process created it first
  } finally {
    unlinkSync(temp);
  }
  return readKeyFile(path);
};

const readKeyFile = (path: string): Uint8Array => {
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new Error(
      `${path} is readable by others (mode ${mode.toString(8)}): chmod 600 it, or set DOSSIER_MASTER_KEY`,
    );
  return decode(readFileSync(path, 'utf8'), path);
};
