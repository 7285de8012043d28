import { resolve } from 'node:path';
import { UsageError } from '../cli/errors';

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'esdb'; readonly url: string };

/** A URL fit for output: no password. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * Where the store is, read as the main job reads `DOSSIER_STORE_URL`: `sqlite:./data/dossier.db`,
 * `sqlite:/abs/file.db` and `sqlite:///abs/file.db` name a file (relative to the working directory);
 * `postgres://…` a database; `esdb://…` (or `kurrentdb://…`) an EventStoreDB whose keys and read models are
 * at `DOSSIER_READ_MODELS_URL`.
 */
export const storeLocation = (url: string, what = '--store'): StoreLocation => {
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (!path || path === ':memory:') throw new UsageError(`${what}: ${url} names no database file`);
    return { kind: 'sqlite', path: resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (/^(esdb|kurrentdb)(\+discover)?:\/\//i.test(url)) return { kind: 'esdb', url };
  throw new UsageError(
    `${what}: unsupported store ${redactUrl(url)} (sqlite:<file>, postgres://… or esdb://…)`,
  );
};

/**
 * Where the keys and read models are: beside the events, or (always, with EventStoreDB, which never truly
 * deletes) at `DOSSIER_READ_MODELS_URL`.
 */
export const sideLocation = (events: StoreLocation, env: NodeJS.ProcessEnv): StoreLocation => {
  const url = env.DOSSIER_READ_MODELS_URL;
  if (events.kind === 'esdb') {
    if (!url)
      throw new UsageError(
        'DOSSIER_READ_MODELS_URL is required with an EventStoreDB store: postgres://… or sqlite:<file> for keys and read models',
      );
    const side = storeLocation(url, 'DOSSIER_READ_MODELS_URL');
    if (side.kind === 'esdb') throw new UsageError('DOSSIER_READ_MODELS_URL: sqlite:<file> or postgres://…');
    return side;
  }
  return events;
};

export const describeLocation = (l: StoreLocation): string =>
  l.kind === 'sqlite' ? `sqlite:${l.path}` : redactUrl(l.url);
