import type { Clock, EventStore, KeyStore } from '@dossier/core';
import { newDataKey } from '@dossier/core';
import { eventStoreContract, keyStoreContract } from '@dossier/core/testing';
import { openPostgresStore } from './index';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg } from './testing';

describePg('PostgreSQL adapter passes the port contracts', () => {
  let db: TestDatabase;
  let schemas = 0;
  const masterKey = newDataKey();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  // every event-store test gets a new, empty schema; the store's close() also ends its pool
  eventStoreContract('postgres', {
    async open(clock: Clock): Promise<EventStore> {
      const store = await openPostgresStore({
        url: db.url,
        schema: `contract_${++schemas}`,
        clock,
        masterKey,
      });
      return { ...store.events, close: () => store.close() };
    },
    leavesUnaskedMetadataUnread: true,
  });

  // one schema for every key-store test: "a key survives reopening the store"
  keyStoreContract('postgres', {
    async open(): Promise<KeyStore> {
      const store = await openPostgresStore({ url: db.url, schema: 'keys_contract', masterKey });
      return { ...store.keys, close: () => store.close() };
    },
  });
});
