/**
 * The KeyStore port: one data key per archive, kept wrapped by a master key (the adapter never stores a
 * plaintext data key). Destroying a key is permanent: afterwards `get` answers `undefined` for good and
 * `create` refuses to make a new one for the same archive (a destroyed archive stays destroyed).
 */
export interface KeyStore {
  /** Create the archive's data key if absent and return it (32 bytes, AES-256). */
  getOrCreate(archiveId: string): Promise<Uint8Array>;
  /** The archive's data key, or undefined when there is none or it was destroyed. */
  get(archiveId: string): Promise<Uint8Array | undefined>;
  /** Destroy the archive's data key for good. Idempotent. */
  destroy(archiveId: string): Promise<void>;
  /** True when the key existed and was destroyed. */
  isDestroyed(archiveId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Wrapped keys as adapters persist them: the raw storage a KeyStore is built on. */
export interface WrappedKeyRecord {
  readonly archiveId: string;
  /** null once destroyed (a tombstone stays so the key cannot be re-created). */
  readonly wrapped: Uint8Array | null;
}
