import { eventStoreContract, keyStoreContract } from '@dossier/core/testing';
import type { TempDatabase } from './testing';
import { tempDatabase } from './testing';
import { openSqliteStore } from './open-sqlite-store';
import { masterKey } from './testing/fixtures';

const eventFiles: TempDatabase[] = [];
eventStoreContract('sqlite', {
  open: async (clock) => {
    const file = tempDatabase('contract-events');
    eventFiles.push(file);
    return openSqliteStore({ path: file.path, clock, masterKey }).events;
  },
  // a file's reads by stream run on the reader's thread, which sends only the metadata asked for
  leavesUnaskedMetadataUnread: true,
  teardown: async () => eventFiles.forEach((f) => f.remove()),
});

// in memory: the same statements on the store's own connection (a file's are read on a thread of their own)
eventStoreContract('sqlite in memory', {
  open: async (clock) => openSqliteStore({ path: ':memory:', clock, masterKey }).events,
});

// one file for the key suite: "a key survives reopening the store" reopens it
const keysFile = tempDatabase('contract-keys');
keyStoreContract('sqlite', {
  open: async () => openSqliteStore({ path: keysFile.path, masterKey }).keys,
  teardown: async () => keysFile.remove(),
});
