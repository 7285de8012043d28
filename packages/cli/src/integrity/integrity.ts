import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Dossier, SigningKey } from '@dossier/api';
import type { EventStore } from '@dossier/core';
import { CommandError } from '../cli/errors';
import type { StoreLocation } from '../store/store-url';
import type { Api } from '../cli/lazy-api';

/**
 * The Ed25519 key that signs digests, where the main job finds it: `DOSSIER_SIGNING_KEY` (PKCS#8 PEM), else
 * `signing.key` beside the SQLite file (`./data/signing.key` with PostgreSQL). `digest` creates the file as the
 * main job would; checking a digest needs the key that signed it, so `verify` never makes a new one.
 */
export const signingKeyFor = (
  api: Api,
  location: StoreLocation,
  env: NodeJS.ProcessEnv,
  create: boolean,
): SigningKey => {
  const pem = env.DOSSIER_SIGNING_KEY || undefined;
  const file =
    location.kind === 'sqlite' ? join(dirname(location.path), 'signing.key') : resolve('data', 'signing.key');
  if (!pem && !create && !existsSync(file))
    throw new CommandError(
      `no digest signing key (neither DOSSIER_SIGNING_KEY nor ${file}): the digest's signature cannot be checked`,
    );
  return api.loadSigningKey({ ...(pem ? { pem } : {}), file });
};

/**
 * The API's own integrity service (its digest format, signature and verification), on the parts of a deployment
 * it reads: the event store, the signing key and a clock (for `signedAt`).
 */
export const integrityService = (api: Api, events: EventStore, signingKey: SigningKey) =>
  new api.IntegrityService({ events, signingKey, clock: api.movableClock() } as Pick<
    Dossier,
    'events' | 'signingKey' | 'clock'
  > as Dossier);
