import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as PEM (SPKI), for auditors who check digests elsewhere. */
  readonly publicKeyPem: string;
  /** Where it came from: configuration, a file, or generated for this process only. */
  readonly source: string;
}

const fromPrivate = (privateKey: KeyObject, source: string): SigningKey => {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`the digest signing key (${source}) must be Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    source,
  };
};

/**
 * The Ed25519 key that signs digests of the stream heads: a PEM (PKCS#8) from configuration, else a file
 * (created on first start, mode 0600), else — without either — one for this process only.
 */
export const loadSigningKey = (options: { pem?: string; file?: string }): SigningKey => {
  if (options.pem) return fromPrivate(createPrivateKey(options.pem), 'DOSSIER_SIGNING_KEY');
  if (!options.file)
    return fromPrivate(generateKeyPairSync('ed25519').privateKey, 'generated for this process');
  if (!existsSync(options.file)) {
    mkdirSync(dirname(options.file), { recursive: true });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      writeFileSync(options.file, pem, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it first
    }
  }
  return fromPrivate(createPrivateKey(readFileSync(options.file, 'utf8')), options.file);
};
