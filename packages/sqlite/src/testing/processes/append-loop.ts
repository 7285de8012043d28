/*
 * Crash-test writer: appends forever from several concurrent loops and prints every acknowledged append
 * (`ack {json}`) the moment its promise resolves. The test kills it with SIGKILL at a random time.
 */
import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '@dossier/core';
import { openSqliteStore } from '../../open-sqlite-store';
import type { ChildConfig } from './child-config';
import { bigintJson, childConfig, masterKeyOf, tell } from './child-config';

interface AppendLoopConfig extends ChildConfig {
  readonly streams: number;
  readonly loops: number;
}

const config = childConfig<AppendLoopConfig>();
const store = openSqliteStore({ path: config.path, masterKey: masterKeyOf(config) });

const loop = async (n: number): Promise<never> => {
  const expected = new Map<string, ExpectedRevision>();
  for (let i = 0; ; i++) {
    const streamId = `crash-${(n + i) % config.streams}`;
    const events = Array.from({ length: 1 + (i % 3) }, () => ({
      eventId: randomUUID(),
      type: 'Appended',
      schemaVersion: 1,
      data: { loop: n, i, text: '客户档案'.repeat(i % 7) },
      metadata: {
        actor: { id: `loop-${n}`, role: 'system', department: 'test' },
        occurredAt: new Date().toISOString(),
        correlationId: randomUUID(),
        causationId: randomUUID(),
      },
    }));
    const res = await store.events.append(streamId, events, expected.get(streamId) ?? 'any');
    if (res._tag === 'Right') {
      expected.set(streamId, res.right.nextRevision);
      tell(
        'ack ' +
          bigintJson({
            streamId,
            positions: res.right.events.map((e) => e.position),
            ids: events.map((e) => e.eventId),
          }),
      );
    } else {
      expected.set(streamId, res.left.actual < 0n ? 'no_stream' : res.left.actual);
    }
  }
};

tell('ready');
for (let n = 0; n < config.loops; n++) void loop(n);
