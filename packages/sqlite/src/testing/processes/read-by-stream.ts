/*
 * Reads the log stream by stream (on the store's reader thread), prints what it read, then closes the store
 * (`close: true`) or leaves it open, and ends by itself: the test checks that it gets that far, and ends.
 */
import { openSqliteStore } from '../../open-sqlite-store';
import type { ChildConfig } from './child-config';
import { childConfig, masterKeyOf, tell } from './child-config';

const config = childConfig<ChildConfig & { readonly close: boolean }>();
const store = openSqliteStore({ path: config.path, masterKey: masterKeyOf(config) });

const main = async () => {
  const event = (n: number) => ({
    eventId: `e-${n}`,
    type: 'Noted',
    schemaVersion: 1,
    data: { n },
    metadata: {
      actor: { id: 'u-1', role: 'system', department: 'test' },
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'c',
      causationId: 'c',
    },
  });
  await store.events.append('archive-b', [event(1), event(2)], 'any');
  await store.events.append('archive-a', [event(3)], 'any');
  const upTo = await store.events.headPosition();
  const read = await store.events.readByStream!({ upTo });
  tell(`read ${read.map((e) => `${e.streamId}:${e.revision}`).join(' ')}`);
  if (config.close) {
    await store.close();
    tell('closed');
  }
};
void main();
