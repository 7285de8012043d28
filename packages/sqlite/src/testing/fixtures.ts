import { randomBytes } from 'node:crypto';
import type { AppendResult, ConcurrencyConflict, EventStore } from '@dossier/core';
import type { SqliteStoreOptions } from '../open-sqlite-store';
import { openSqliteStore } from '../open-sqlite-store';
import { tempDatabase } from './temp-database';

export const masterKey = new Uint8Array(randomBytes(32));
export const masterKeyHex = Buffer.from(masterKey).toString('hex');

/** A store on a fresh temp file; `done()` closes it and removes the directory. */
export const freshStore = (label: string, options: Partial<SqliteStoreOptions> = {}) => {
  const file = tempDatabase(label);
  const store = openSqliteStore({ path: file.path, masterKey, ...options });
  return {
    file,
    store,
    done: async () => {
      await store.close();
      file.remove();
    },
  };
};

type Appended = Awaited<ReturnType<EventStore['append']>>;

export const rightOf = (res: Appended): AppendResult => {
  if (res._tag === 'Left') throw new Error(`expected an append, got a conflict on ${res.left.streamId}`);
  return res.right;
};

export const leftOf = (res: Appended): ConcurrencyConflict => {
  if (res._tag === 'Right') throw new Error(`expected a conflict, got an append to ${res.right.streamId}`);
  return res.left;
};
