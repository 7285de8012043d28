/* The one contract every KeyStore adapter passes. */
import { randomUUID } from 'node:crypto';
import type { KeyStore } from '../ports/key-store';
import { KeyDestroyedError } from '../privacy/key-store';

export interface KeyStoreHarness {
  open(): Promise<KeyStore>;
  teardown?(): Promise<void>;
}

export const keyStoreContract = (adapter: string, harness: KeyStoreHarness): void => {
  describe(`KeyStore contract: ${adapter}`, () => {
    let keys: KeyStore;
    beforeEach(async () => {
      keys = await harness.open();
    });
    afterEach(async () => keys.close());
    afterAll(async () => harness.teardown?.());

    it('creates one 32-byte key per archive and answers the same key afterwards', async () => {
      const id = randomUUID();
      expect(await keys.get(id)).toBeUndefined();
      const k = await keys.getOrCreate(id);
      expect(k).toHaveLength(32);
      expect(Buffer.from((await keys.getOrCreate(id))!).equals(Buffer.from(k))).toBe(true);
      expect(Buffer.from((await keys.get(id))!).equals(Buffer.from(k))).toBe(true);
      expect(Buffer.from(await keys.getOrCreate(randomUUID())).equals(Buffer.from(k))).toBe(false);
    });

    it('concurrent first uses agree on one key', async () => {
      const id = randomUUID();
      const got = await Promise.all(Array.from({ length: 8 }, () => keys.getOrCreate(id)));
      for (const k of got) expect(Buffer.from(k).equals(Buffer.from(got[0]!))).toBe(true);
    });

    it('destroying a key is final: gone, marked destroyed, never re-created (DOMAIN.md §7)', async () => {
      const id = randomUUID();
      await keys.getOrCreate(id);
      await keys.destroy(id);
      await keys.destroy(id);
      expect(await keys.get(id)).toBeUndefined();
      expect(await keys.isDestroyed(id)).toBe(true);
      await expect(keys.getOrCreate(id)).rejects.toBeInstanceOf(KeyDestroyedError);
      const never = randomUUID();
      expect(await keys.isDestroyed(never)).toBe(false);
      await keys.destroy(never);
      await expect(keys.getOrCreate(never)).rejects.toBeInstanceOf(KeyDestroyedError);
    });

    it('a key survives reopening the store', async () => {
      const id = randomUUID();
      const k = await keys.getOrCreate(id);
      await keys.close();
      keys = await harness.open();
      expect(Buffer.from((await keys.get(id))!).equals(Buffer.from(k))).toBe(true);
    });
  });
};
