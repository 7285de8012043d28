import { randomBytes } from 'node:crypto';
import { eventStoreContract, keyStoreContract } from '@dossier/core/testing';
import { openSqliteStore } from '../src';
import { tempDatabase } from '../src/testing';

const masterKey = new Uint8Array(randomBytes(32));

const eventsFile = tempDatabase('contract-events');
eventStoreContract('sqlite', {
  // one file for the whole suite, reopened per test: the contract uses fresh stream ids
  open: async (clock) => openSqliteStore({ path: eventsFile.path, clock, masterKey }).events,
  teardown: async () => eventsFile.remove(),
});

const keysFile = tempDatabase('contract-keys');
keyStoreContract('sqlite', {
  open: async () => openSqliteStore({ path: keysFile.path, masterKey }).keys,
  teardown: async () => keysFile.remove(),
});
