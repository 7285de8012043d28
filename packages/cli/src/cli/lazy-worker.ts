import { dirname, join } from 'node:path';
import type { Projection } from '@dossier/projections';
import { CommandError } from './errors';

/** What this command uses of @dossier/worker, which (like the API's main job) it treats as optional. */
interface WorkerModule {
  readonly workerProjections?: () => Projection[];
}

const notInstalled = (e: unknown) => (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';

/** @dossier/worker when it is installed beside the command. */
export const loadWorker = (): WorkerModule | undefined => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@dossier/worker') as WorkerModule;
  } catch (e) {
    if (notInstalled(e)) return undefined;
    throw e;
  }
};

/** The worker's own main (`dossier-worker`), beside its index in dist/. */
export const workerMainPath = (): string => {
  try {
    return join(dirname(require.resolve('@dossier/worker')), 'main.js');
  } catch (e) {
    if (notInstalled(e)) throw new CommandError('the worker (@dossier/worker) is not installed');
    throw e;
  }
};
