import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CommandError } from '../cli/errors';

/** Where export lines go: written, then either committed (all of it) or discarded (none of it). */
export interface Sink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

const FLUSH_AT = 1 << 20;

/**
 * A file that appears whole or not at all: written to a temporary file beside it (mode 0600: it may hold
 * personal data), synced, then renamed over the target. Discarding (an error, Ctrl-C), and a forced exit
 * through `onForcedExit`, remove the temporary file.
 */
export const atomicFile = (target: string, onForcedExit: (cleanup: () => void) => () => void): Sink => {
  const path = resolve(target);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (e) {
    throw new CommandError(`--out: cannot write beside ${path}: ${(e as Error).message}`);
  }
  let open = true;
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  const remove = onForcedExit(() => {
    close();
    unlinkSync(temp);
  });
  return {
    async write(text) {
      pending.push(text);
      size += text.length;
      if (size >= FLUSH_AT) flush();
    },
    async commit() {
      flush();
      fsyncSync(fd);
      close();
      renameSync(temp, path);
      remove();
    },
    async discard() {
      try {
        close();
      } finally {
        unlinkSync(temp);
        remove();
      }
    },
  };
};

/** Standard output: lines go out as they come (nothing to take back on Ctrl-C; use --out for that). */
export const stdoutSink = (out: (text: string) => Promise<void>): Sink => ({
  write: out,
  commit: async () => undefined,
  discard: async () => undefined,
});
