import type { KeyStore, WrappedKeyRecord } from '../ports/key-store';
import type { KeyStorage } from '../privacy/key-store';
import { keyStoreOn } from '../privacy/key-store';
import { newDataKey } from '../privacy/encryption';

export const inMemoryKeyStorage = (): KeyStorage & { records: Map<string, WrappedKeyRecord> } => {
  const records = new Map<string, WrappedKeyRecord>();
  return {
    records,
    async load(archiveId) {
      return records.get(archiveId);
    },
    async insertIfAbsent(archiveId, wrapped) {
      const existing = records.get(archiveId);
      if (existing) return existing;
      const rec = { archiveId, wrapped };
      records.set(archiveId, rec);
      return rec;
    },
    async tombstone(archiveId) {
      const existing = records.get(archiveId);
      if (existing?.wrapped) existing.wrapped.fill(0);
      records.set(archiveId, { archiveId, wrapped: null });
    },
    async close() {},
  };
};

export const inMemoryKeyStore = (masterKey: Uint8Array = newDataKey()): KeyStore =>
  keyStoreOn(inMemoryKeyStorage(), masterKey);
