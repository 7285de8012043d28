import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDatabase {
  readonly dir: string;
  /** `<dir>/dossier.db`, not yet created. */
  readonly path: string;
  /** Remove the directory with the file and its -wal / -shm. */
  remove(): void;
}

/** A fresh directory under the system temp dir for one test's database file. */
export const tempDatabase = (label = 'test'): TempDatabase => {
  const dir = mkdtempSync(join(tmpdir(), `dossier-sqlite-${label}-`));
  return { dir, path: join(dir, 'dossier.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
};
