import { randomUUID } from 'node:crypto';
import type { EventStore, ExpectedRevision, KeyStore } from '@dossier/core';
import { commandHandler, systemClock } from '@dossier/core';
import { aCreateArchive, aLogContact } from '@dossier/core/testing';
import type { Sample } from './bench-events';
import { benchEvent, timed } from './bench-events';

const must = <R extends { readonly _tag: 'Left' | 'Right' }>(
  res: R,
  what: string,
): Extract<R, { _tag: 'Right' }> => {
  if (res._tag !== 'Right')
    throw new Error(
      `${what} failed: ${JSON.stringify(res, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  return res as Extract<R, { _tag: 'Right' }>;
};

/**
 * Single-event commands (LogContact) through the core's command handler: load the archive, decide, seal the
 * personal fields, append with the expected revision. `writers` concurrent writers, each on archives of its own.
 */
export const handlerWorkload = async (
  events: EventStore,
  keys: KeyStore,
  writers: number,
  archivesPerWriter: number,
) => {
  const handler = commandHandler({ store: events, keys, clock: systemClock });
  const archives = Array.from({ length: writers }, () =>
    Array.from({ length: archivesPerWriter }, () => randomUUID()),
  );
  await Promise.all(
    archives.map(async (mine) => {
      for (const id of mine) must(await handler.execute(aCreateArchive(id)), 'CreateArchive');
    }),
  );
  let turn = 0;
  return (commands: number): Promise<Sample> => {
    const perWriter = Math.ceil(commands / writers);
    return timed(perWriter * writers, () =>
      Promise.all(
        archives.map(async (mine) => {
          for (let i = 0; i < perWriter; i++) {
            const id = mine[(turn + i) % mine.length]!;
            const contact = aLogContact(id, new Date(Date.now() - 60_000).toISOString());
            const res = must(await handler.execute(contact), 'LogContact');
            if (res.right.events.length !== 1) throw new Error('expected one event per command');
          }
        }),
      ).then(() => void (turn += perWriter)),
    );
  };
};

/** The store alone: read the stream's head, append one event with that expected revision; `writers` concurrent. */
export const directWorkload = (events: EventStore, writers: number, streamsPerWriter: number) => {
  const streams = Array.from({ length: writers }, () =>
    Array.from({ length: streamsPerWriter }, () => `archive-${randomUUID()}`),
  );
  let turn = 0;
  return (commands: number): Promise<Sample> => {
    const perWriter = Math.ceil(commands / writers);
    return timed(perWriter * writers, () =>
      Promise.all(
        streams.map(async (mine) => {
          for (let i = 0; i < perWriter; i++) {
            const s = mine[(turn + i) % mine.length]!;
            const head = (await events.readStream(s)).at(-1);
            must(await events.append(s, [benchEvent(i)], head ? head.revision : 'no_stream'), 'append');
          }
        }),
      ).then(() => void (turn += perWriter)),
    );
  };
};

/** Appends of 100 events each, one writer, round robin over 20 streams with expected revisions. */
export const batchWorkload = (events: EventStore) => {
  const streams = Array.from({ length: 20 }, () => `archive-${randomUUID()}`);
  const expected = new Map<string, ExpectedRevision>(streams.map((s) => [s, 'no_stream']));
  let turn = 0;
  return (appends: number): Promise<Sample> =>
    timed(appends * 100, async () => {
      for (let a = 0; a < appends; a++, turn++) {
        const s = streams[turn % streams.length]!;
        const batch = Array.from({ length: 100 }, (_, i) => benchEvent(i));
        const next: bigint = must(await events.append(s, batch, expected.get(s)!), 'append').right
          .nextRevision;
        expected.set(s, next);
      }
    });
};

/** The whole log in global order through readAll pages, decoded (JSON parsed) into RecordedEvents. */
export const readAllWorkload = async (events: EventStore, pageSize: number): Promise<Sample> => {
  let count = 0;
  let check = 0;
  const sample = await timed(0, async () => {
    let after = 0n;
    for (;;) {
      const page = await events.readAll({ after, limit: pageSize });
      if (page.length === 0) break;
      for (const e of page) if ((e.data as { summary?: string }).summary && e.metadata.actor) check++;
      count += page.length;
      after = page.at(-1)!.position;
    }
  });
  if (check !== count) throw new Error('readAll: events without payload');
  return { ...sample, events: count };
};
