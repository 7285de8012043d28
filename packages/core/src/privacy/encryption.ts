import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Json } from '../ports/event-store';
import { canonicalJson } from '../integrity/canonical-json';

/** A personal value as it is stored: AES-256-GCM ciphertext (iv ‖ tag ‖ ciphertext, base64). */
export interface Sealed {
  readonly $pii: string;
}

/** What a reader gets in place of a personal value whose key was destroyed (DOMAIN.md §7). */
export interface Redacted {
  readonly $redacted: 'destroyed';
}

export const REDACTED: Redacted = Object.freeze({ $redacted: 'destroyed' as const });

export const isSealed = (v: unknown): v is Sealed =>
  typeof v === 'object' && v !== null && typeof (v as { $pii?: unknown }).$pii === 'string';

export const isRedacted = (v: unknown): v is Redacted =>
  typeof v === 'object' && v !== null && (v as { $redacted?: unknown }).$redacted === 'destroyed';

const IV = 12;
const TAG = 16;

export const encryptJson = (key: Uint8Array, value: unknown, aad: string): Sealed => {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(canonicalJson(value), 'utf8'), cipher.final()]);
  return { $pii: Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64') };
};

export const decryptJson = (key: Uint8Array, sealed: Sealed, aad: string): Json => {
  const raw = Buffer.from(sealed.$pii, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV, IV + TAG));
  const plain = Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Json;
};

/** Wrap a data key under the master key (AES-256-GCM, the archive id as associated data). */
export const wrapKey = (masterKey: Uint8Array, dataKey: Uint8Array, archiveId: string): Uint8Array => {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from('dossier-key:' + archiveId, 'utf8'));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), ct]));
};

export const unwrapKey = (masterKey: Uint8Array, wrapped: Uint8Array, archiveId: string): Uint8Array => {
  const raw = Buffer.from(wrapped);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, IV));
  decipher.setAAD(Buffer.from('dossier-key:' + archiveId, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV, IV + TAG));
  return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]));
};

export const newDataKey = (): Uint8Array => new Uint8Array(randomBytes(32));
