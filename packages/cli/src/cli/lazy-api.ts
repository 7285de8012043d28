import { dirname, join } from 'node:path';
import type * as ApiPackage from '@dossier/api';

/** What @dossier/api exports. */
export type Api = typeof ApiPackage;

/**
 * @dossier/api, loaded only by the commands that use it (it brings NestJS along, over a second of start-up):
 * `start`, `digest`, `verify --digest`, `demo`, `projections` and the rebuild of the API's own read model.
 */
export const loadApi = (): Api =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@dossier/api') as Api;

/** The API's main job (what `npm start` runs), beside its index in dist/. */
export const apiMainPath = (): string => join(dirname(require.resolve('@dossier/api')), 'main.js');
