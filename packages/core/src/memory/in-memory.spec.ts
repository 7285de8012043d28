import { eventStoreContract, keyStoreContract } from '../testing';
import { inMemoryEventStore } from './in-memory-event-store';
import { inMemoryKeyStorage } from './in-memory-key-store';
import { keyStoreOn } from '../privacy/key-store';
import { newDataKey } from '../privacy/encryption';

eventStoreContract('in-memory', {
  open: async (clock) => inMemoryEventStore(clock),
  leavesUnaskedMetadataUnread: true,
});

const storage = inMemoryKeyStorage();
const master = newDataKey();
keyStoreContract('in-memory', { open: async () => keyStoreOn(storage, master) });
