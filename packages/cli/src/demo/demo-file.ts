import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { CommandError } from '../cli/errors';
import { withStore } from '../store/open-store';

const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * May demo data go into this SQLite file? Only when it holds no events, and no other process has it open
 * (a database in use keeps its -wal/-shm files; the last connection to close removes them).
 */
export const checkEmptySqlite = async (path: string, env: NodeJS.ProcessEnv): Promise<void> => {
  if (!existsSync(path)) return;
  const held = await withStore(`sqlite:${path}`, env, (s) => s.events.headPosition());
  if (held > 0n)
    throw new CommandError(
      `${path} holds ${held} events already: demo data loads only into an empty store (name another with --store)`,
    );
  if (SIDE_FILES.some((s) => existsSync(path + s)))
    throw new CommandError(
      `${path} is open in another process (its -wal/-shm files are there): stop it first`,
    );
};

/**
 * A SQLite file built aside and put in place whole: `<file>.demo-<pid>.tmp` beside the target (so it shares
 * the master and signing keys kept beside it), synced and renamed over the target when complete; removed,
 * with its -wal/-shm, when not.
 */
export const sqliteBuiltAside = (target: string, onForcedExit: (cleanup: () => void) => () => void) => {
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.demo-${process.pid}.tmp`;
  const remove = () => {
    for (const f of [temp, ...SIDE_FILES.map((s) => temp + s)]) rmSync(f, { force: true });
  };
  const unregister = onForcedExit(remove);
  return {
    temp,
    /** After every connection to the temporary file is closed. */
    commit() {
      const fd = openSync(temp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
      unregister();
    },
    discard() {
      remove();
      unregister();
    },
  };
};
