import type { Projection } from '@dossier/projections';
import { allReadModels } from '@dossier/projections';
import { loadApi } from '../cli/lazy-api';
import { loadWorker } from '../cli/lazy-worker';

/**
 * Every read model the main job runs: those of packages/projections, the worker's and the API's entity index.
 * Each group is loaded only when the ones before it do not have the name (the API takes over a second).
 */
const groups: readonly (() => Projection[])[] = [
  allReadModels,
  () => loadWorker()?.workerProjections?.() ?? [],
  () => [loadApi().entityIndex],
];

/** A fresh instance of the read model (some keep caches per batch), or every name there is. */
export const findProjection = (name: string): { found?: Projection; names: string[] } => {
  const names: string[] = [];
  for (const group of groups) {
    const projections = group();
    const found = projections.find((p) => p.name === name);
    if (found) return { found, names };
    names.push(...projections.map((p) => p.name));
  }
  return { names };
};
