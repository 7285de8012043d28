import type { ComposeOptions } from './compose';
import { DEFAULT_STORE_URL } from './compose';
import type { IdentitySettings } from './identity/jwt';

/** How the API runs: everything comes from the environment (DOSSIER_*), with defaults for a first start. */
export interface ApiSettings extends ComposeOptions {
  readonly host: string;
  readonly port: number;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  /** Longest wait of `?after=<position>` (and of an id lookup) for the read models, in ms. */
  readonly waitTimeoutMs: number;
  readonly identity: IdentitySettings;
}

const int = (v: string | undefined, fallback: number, name: string): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${v}`);
  return n;
};

export const settingsFromEnv = (env: NodeJS.ProcessEnv = process.env): ApiSettings => ({
  storeUrl: env.DOSSIER_STORE_URL || DEFAULT_STORE_URL,
  ...(env.DOSSIER_READ_MODELS_URL ? { readModelsUrl: env.DOSSIER_READ_MODELS_URL } : {}),
  ...(env.DOSSIER_MASTER_KEY ? { masterKeyBase64: env.DOSSIER_MASTER_KEY } : {}),
  ...(env.DOSSIER_SIGNING_KEY ? { signingKeyPem: env.DOSSIER_SIGNING_KEY } : {}),
  host: env.DOSSIER_HOST || '127.0.0.1',
  port: int(env.DOSSIER_PORT ?? env.PORT, 3000, 'DOSSIER_PORT'),
  bodyLimit: int(env.DOSSIER_BODY_LIMIT, 256 * 1024, 'DOSSIER_BODY_LIMIT'),
  waitTimeoutMs: int(env.DOSSIER_WAIT_MS, 5000, 'DOSSIER_WAIT_MS'),
  identity: {
    ...(env.DOSSIER_JWT_SECRET ? { secret: env.DOSSIER_JWT_SECRET } : {}),
    ...(env.DOSSIER_JWKS_URL ? { jwksUrl: env.DOSSIER_JWKS_URL } : {}),
    ...(env.DOSSIER_JWT_ISSUER ? { issuer: env.DOSSIER_JWT_ISSUER } : {}),
    ...(env.DOSSIER_JWT_AUDIENCE ? { audience: env.DOSSIER_JWT_AUDIENCE } : {}),
  },
});
