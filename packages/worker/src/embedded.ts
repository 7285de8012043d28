// The worker inside the main process (the default deployment): what the API's composition calls.
import type { EventStore, KeyStore } from '@dossier/core';
import type { Projection } from '@dossier/projections';
import { pendingDeadlines } from './pending-deadlines';
import type { Worker, WorkerOptions } from './worker';
import { createWorker } from './worker';

/** The read models the worker needs, for a main process that runs one projection runner for all of them. */
export const workerProjections = (): Projection[] => [pendingDeadlines];

export interface InProcessWorkerOptions extends Omit<WorkerOptions, 'store' | 'keys'> {
  /** The opened store (`openSqliteStore(…)` or `openPostgresStore(…)`): its events and keys. */
  readonly store: { readonly events: EventStore; readonly keys: KeyStore };
}

/**
 * Start the worker on an opened store and the kysely read-model database. Pass `runner` when the main
 * process's projection runner includes `workerProjections()`; otherwise the worker projects for itself.
 * Stop it (`await worker.stop()`) before closing the store.
 */
export const startInProcessWorker = async (options: InProcessWorkerOptions): Promise<Worker> => {
  const { store, ...rest } = options;
  const worker = createWorker({ ...rest, store: store.events, keys: store.keys });
  await worker.start();
  return worker;
};
