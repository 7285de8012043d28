/*
 * Concurrent writer for the cross-process tests: `writers` loops each append `appends` single events with an
 * expected revision, retrying on conflict; either all on one stream (`stream`) or one stream per loop.
 * Prints `won {json}` for every event it wrote and `conflict` for every typed conflict; `done` at the end.
 */
import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '@dossier/core';
import { openSqliteStore } from '../../open-sqlite-store';
import type { ChildConfig } from './child-config';
import { bigintJson, childConfig, masterKeyOf, tell } from './child-config';

interface ContendConfig extends ChildConfig {
  readonly label: string;
  readonly writers: number;
  readonly appends: number;
  /** All loops on this stream; absent: `<label>-<loop>` each. */
  readonly stream?: string;
}

const config = childConfig<ContendConfig>();
const store = openSqliteStore({ path: config.path, masterKey: masterKeyOf(config), pollMs: 20 });

const writer = async (w: number) => {
  const streamId = config.stream ?? `${config.label}-${w}`;
  for (let k = 0; k < config.appends; k++) {
    for (;;) {
      const last = (await store.events.readStream(streamId)).at(-1);
      const expected: ExpectedRevision = last ? last.revision : 'no_stream';
      const eventId = randomUUID();
      const res = await store.events.append(
        streamId,
        [
          {
            eventId,
            type: 'Contended',
            schemaVersion: 1,
            data: { label: config.label, w, k },
            metadata: {
              actor: { id: config.label, role: 'system', department: 'test' },
              occurredAt: new Date().toISOString(),
              correlationId: eventId,
              causationId: eventId,
            },
          },
        ],
        expected,
      );
      if (res._tag === 'Right') {
        tell('won ' + bigintJson({ streamId, eventId, revision: res.right.nextRevision }));
        break;
      }
      if (res.left._tag !== 'ConcurrencyConflict') throw new Error('untyped failure');
      tell('conflict');
    }
  }
};

const run = async () => {
  tell('ready');
  await Promise.all(Array.from({ length: config.writers }, (_, w) => writer(w)));
  tell('done');
  await store.close();
};

void run();
