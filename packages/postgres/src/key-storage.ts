import type { Pool } from 'pg';
import type { KeyStorage, WrappedKeyRecord } from '@dossier/core';
import type { SchemaNames } from './schema-names';

const record = (archiveId: string, wrapped: Buffer | null): WrappedKeyRecord => ({
  archiveId,
  wrapped: wrapped === null ? null : new Uint8Array(wrapped),
});

/**
 * Wrapped data keys in the `keys` table; `wrapped IS NULL` is a tombstone. Wrapping, unwrapping and the
 * destroy-is-final rule live in the core (`keyStoreOn`); this is only the persistence.
 *
 * A tombstone replaces the wrapped bytes by NULL. PostgreSQL never overwrites a row in place: the old row
 * version stays in the table file until VACUUM reclaims it (and in WAL archives and backups). That residue is
 * the wrapped key only, useless without the master key.
 */
export const postgresKeyStorage = (pool: Pool, { q, schema }: SchemaNames): KeyStorage => {
  const load = async (archiveId: string): Promise<WrappedKeyRecord | undefined> => {
    const res = await pool.query<[Buffer | null]>({
      name: `${schema}.key_load`,
      text: `SELECT wrapped FROM ${q}.keys WHERE archive_id = $1`,
      values: [archiveId],
      rowMode: 'array',
    });
    const row = res.rows[0];
    return row ? record(archiveId, row[0]) : undefined;
  };
  return {
    load,

    async insertIfAbsent(archiveId, wrapped) {
      const inserted = await pool.query({
        name: `${schema}.key_insert`,
        text: `INSERT INTO ${q}.keys (archive_id, wrapped) VALUES ($1, $2) ON CONFLICT (archive_id) DO NOTHING`,
        values: [archiveId, Buffer.from(wrapped)],
      });
      if (inserted.rowCount === 1) return { archiveId, wrapped };
      // someone else's record (a key, or a tombstone) won: a new statement sees it even if it committed just now
      const existing = await load(archiveId);
      if (!existing) throw new Error(`key record of archive ${archiveId} vanished`);
      return existing;
    },

    async tombstone(archiveId) {
      await pool.query({
        name: `${schema}.key_tombstone`,
        text: `INSERT INTO ${q}.keys (archive_id, wrapped, destroyed_at) VALUES ($1, NULL, now())
             ON CONFLICT (archive_id) DO UPDATE
               SET wrapped = NULL, destroyed_at = coalesce(${q}.keys.destroyed_at, now())`,
        values: [archiveId],
      });
    },

    async close() {},
  };
};
