import type { Database } from 'better-sqlite3';
import type { KeyStorage, WrappedKeyRecord } from '@dossier/core';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KeyScrubIncomplete extends Error {
  override readonly name = 'KeyScrubIncomplete';
  constructor(readonly archiveId: string) {
    super(
      `the key of archive ${archiveId} is destroyed, but the write-ahead log could not be truncated because ` +
        'other connections kept reading; its old bytes may remain in the -wal file until destroy is retried',
    );
  }
}

/**
 * Wrapped data keys in the `keys` table (core's `keyStoreOn` does the wrapping). A tombstone is a NULL
 * `wrapped`. With `secure_delete` on, SQLite zeroes the bytes it frees in the page; the page's older
 * copies in the database file and the WAL are then overwritten and dropped by a TRUNCATE checkpoint.
 */
export const sqliteKeyStorage = (
  db: Database,
  close: () => Promise<void>,
  scrubAttempts = 100,
): KeyStorage => {
  const select = db.prepare('SELECT wrapped FROM keys WHERE archive_id = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO keys (archive_id, wrapped) VALUES (?, ?) ON CONFLICT (archive_id) DO NOTHING',
  );
  const bury = db.prepare(
    'INSERT INTO keys (archive_id, wrapped) VALUES (?, NULL) ON CONFLICT (archive_id) DO UPDATE SET wrapped = NULL',
  );

  const load = (archiveId: string): WrappedKeyRecord | undefined => {
    const row = select.get(archiveId) as Buffer | null | undefined;
    if (row === undefined) return undefined;
    return { archiveId, wrapped: row === null ? null : new Uint8Array(row) };
  };

  /** Copy every page into the database file and empty the WAL; retried while readers hold old snapshots. */
  const scrubWal = async (archiveId: string): Promise<void> => {
    for (let attempt = 0; attempt < scrubAttempts; attempt++) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: bigint | number }[];
      if (!result || Number(result.busy) === 0) return;
      await pause(20);
    }
    throw new KeyScrubIncomplete(archiveId);
  };

  return {
    async load(archiveId) {
      return load(archiveId);
    },
    async insertIfAbsent(archiveId, wrapped) {
      insert.run(archiveId, Buffer.from(wrapped));
      return load(archiveId)!;
    },
    async tombstone(archiveId) {
      bury.run(archiveId);
      await scrubWal(archiveId);
    },
    close,
  };
};
