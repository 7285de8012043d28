import type { KeyStore, WrappedKeyRecord } from '../ports/key-store';
import { newDataKey, unwrapKey, wrapKey } from './encryption';

/**
 * What an adapter persists for keys: wrapped bytes per archive, and a tombstone once destroyed.
 * Adapters implement only this; wrapping and the destroy-is-final rule live here, once.
 */
export interface KeyStorage {
  load(archiveId: string): Promise<WrappedKeyRecord | undefined>;
  /** Insert unless a record (key or tombstone) exists; answer the record that is stored afterwards. */
  insertIfAbsent(archiveId: string, wrapped: Uint8Array): Promise<WrappedKeyRecord>;
  /** Replace the wrapped key by a tombstone, overwriting the bytes where the medium allows. */
  tombstone(archiveId: string): Promise<void>;
  close(): Promise<void>;
}

export class KeyDestroyedError extends Error {
  constructor(readonly archiveId: string) {
    super(`the data key of archive ${archiveId} was destroyed; its personal data cannot be written again`);
  }
}

export const keyStoreOn = (storage: KeyStorage, masterKey: Uint8Array): KeyStore => {
  if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes (AES-256)');
  const open = (rec: WrappedKeyRecord | undefined, archiveId: string) =>
    rec?.wrapped ? unwrapKey(masterKey, rec.wrapped, archiveId) : undefined;
  return {
    async getOrCreate(archiveId) {
      const existing = await storage.load(archiveId);
      if (existing && existing.wrapped === null) throw new KeyDestroyedError(archiveId);
      if (existing) return open(existing, archiveId)!;
      const stored = await storage.insertIfAbsent(archiveId, wrapKey(masterKey, newDataKey(), archiveId));
      if (stored.wrapped === null) throw new KeyDestroyedError(archiveId);
      return open(stored, archiveId)!;
    },
    async get(archiveId) {
      return open(await storage.load(archiveId), archiveId);
    },
    async destroy(archiveId) {
      await storage.tombstone(archiveId);
    },
    async isDestroyed(archiveId) {
      const rec = await storage.load(archiveId);
      return rec !== undefined && rec.wrapped === null;
    },
    close: () => storage.close(),
  };
};
