/*
 * Child process of the crash test: appends in a loop from several concurrent writers and prints one line per
 * ACKNOWLEDGED append, until it is killed. Env: DOSSIER_PG_URL, DOSSIER_SCHEMA, DOSSIER_STREAMS.
 * Output: "ready" (then it waits for a line on stdin), then "ack <stream> <eventId>@<revision>@<position>,…"
 * lines.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { newDataKey } from '@dossier/core';
import type { EventToAppend } from '@dossier/core';
import { openPostgresStore } from '../open-store';

const main = async () => {
  const store = await openPostgresStore({
    url: process.env.DOSSIER_PG_URL,
    schema: process.env.DOSSIER_SCHEMA,
    masterKey: newDataKey(),
    poolSize: 6,
  });
  const streams = Array.from({ length: Number(process.env.DOSSIER_STREAMS ?? 8) }, (_, i) => `crash-${i}`);
  process.stdout.write('ready\n');
  // start appending when told: the parent spawns the next writer while it still checks the last one
  process.stdin.once('end', () => process.exit(0)); // the parent went away before saying "go"
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

  const writer = async (w: number) => {
    for (let k = 0; ; k++) {
      const stream = streams[randomInt(streams.length)]!;
      const head = (await store.events.readStream(stream)).at(-1)?.revision ?? -1n;
      const events: EventToAppend[] = Array.from({ length: 1 + randomInt(4) }, (_, i) => ({
        eventId: randomUUID(),
        type: 'CrashTested',
        schemaVersion: 1,
        data: { writer: w, k, i, note: '断电测试' },
        metadata: {
          actor: { id: `w-${w}`, role: 'system', department: 'test' },
          occurredAt: new Date().toISOString(),
          correlationId: `w-${w}-${k}`,
          causationId: `w-${w}-${k}`,
        },
      }));
      const res = await store.events.append(stream, events, head < 0n ? 'no_stream' : head);
      if (res._tag === 'Right') {
        const acked = res.right.events.map((e) => `${e.eventId}@${e.revision}@${e.position}`).join(',');
        process.stdout.write(`ack ${stream} ${acked}\n`);
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
};

main().catch((e: unknown) => {
  process.stderr.write(`crash-appender: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
