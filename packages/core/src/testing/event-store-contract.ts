/* The one contract every EventStore adapter passes (ARCHITECTURE.md: "One contract test suite per port"). */
import { randomUUID } from 'node:crypto';
import { isLeft, isRight } from 'fp-ts/Either';
import type { Either } from 'fp-ts/Either';
import type {
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ProjectableEvent,
  RecordedEvent,
} from '../ports/event-store';
import type { Clock } from '../ports/clock';
import { fixedClock } from '../ports/clock';
import { verifyChain } from '../integrity/verify';
import { MetadataNotRead } from '../ports/projectable-event';
import { projectableOf } from './fixtures';

export interface EventStoreHarness {
  /** A new, empty store recording times from `clock`. */
  open(clock: Clock): Promise<EventStore>;
  /** Called once after the suite. */
  teardown?(): Promise<void>;
  /** The adapter does not offer the optional `readByStream` (its test is skipped, not passed). */
  readonly withoutReadByStream?: boolean;
  /**
   * `readByStream` leaves unread the metadata of the types not in `metadataOf` (the option allows it, not
   * requires it): the suite then checks that reading such an event's metadata throws `MetadataNotRead`.
   */
  readonly leavesUnaskedMetadataUnread?: boolean;
}

export const anEvent = (
  type = 'Noted',
  data: EventToAppend['data'] = { n: 1 },
  eventId = randomUUID(),
): EventToAppend => ({
  eventId,
  type,
  schemaVersion: 1,
  data,
  metadata: {
    actor: { id: 'u-1', role: 'sales_rep', department: 'sales', name: '张三' },
    occurredAt: '2026-01-01T00:00:00.000Z',
    correlationId: 'c-1',
    causationId: 'c-1',
  },
});

const ok = <A>(e: Either<unknown, A>): A => {
  if (isLeft(e))
    throw new Error(
      'expected Right, got ' + JSON.stringify(e.left, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
  return e.right;
};

const withoutMetadata = ({ streamId, revision, position, type, schemaVersion, data }: ProjectableEvent) => ({
  streamId,
  revision,
  position,
  type,
  schemaVersion,
  data,
});

const collect = async (it: AsyncIterable<RecordedEvent>, n: number, ctrl: AbortController) => {
  const out: RecordedEvent[] = [];
  for await (const e of it) {
    out.push(e);
    if (out.length >= n) break;
  }
  ctrl.abort();
  return out;
};

export const eventStoreContract = (adapter: string, harness: EventStoreHarness): void => {
  describe(`EventStore contract: ${adapter}`, () => {
    const clock = fixedClock('2026-03-01T08:00:00.000Z');
    let store: EventStore;
    const stream = () => `archive-${randomUUID()}`;

    beforeEach(async () => {
      clock.set('2026-03-01T08:00:00.000Z');
      store = await harness.open(clock);
    });
    afterEach(async () => store.close());
    afterAll(async () => harness.teardown?.());

    it('appends to a new stream with no_stream and reads it back exactly, sealed in a verifying chain', async () => {
      const s = stream();
      const events = [
        anEvent('A', {
          name: '上海某某有限公司',
          amount: 12,
          nested: { ok: true, none: null, list: [1, 'two'] },
        }),
        anEvent('B'),
      ];
      const res = ok(await store.append(s, events, 'no_stream'));
      expect(res.nextRevision).toBe(1n);
      expect(res.events.map((e) => e.revision)).toEqual([0n, 1n]);
      const read = await store.readStream(s);
      expect(read).toHaveLength(2);
      expect(read[0]!.data).toEqual(events[0]!.data);
      expect(read[0]!.metadata).toEqual(events[0]!.metadata);
      expect(read[0]!.eventId).toBe(events[0]!.eventId);
      expect(read[1]!.position).toBeGreaterThan(read[0]!.position);
      expect(read[1]!.prevHash).toBe(read[0]!.hash);
      expect(read[0]!.recordedAt).toBe('2026-03-01T08:00:00.000Z');
      expect(res.position).toBe(read[1]!.position);
      expect(isRight(verifyChain(s, read))).toBe(true);
      expect(read).toEqual(res.events);
    });

    it.each<[string, ExpectedRevision, boolean]>([
      ['no_stream on an existing stream', 'no_stream', false],
      ['stream_exists on an existing stream', 'stream_exists', true],
      ['any on an existing stream', 'any', true],
      ['the exact current revision', 0n, true],
      ['a stale revision', 1n, false],
    ])('expected revision: %s', async (_title, expected, succeeds) => {
      const s = stream();
      ok(await store.append(s, [anEvent()], 'no_stream'));
      const res = await store.append(s, [anEvent()], expected);
      expect(isRight(res)).toBe(succeeds);
      if (isLeft(res)) {
        expect(res.left).toEqual({ _tag: 'ConcurrencyConflict', streamId: s, expected, actual: 0n });
        expect(await store.readStream(s)).toHaveLength(1);
      }
    });

    it('stream_exists and an exact revision on a missing stream are conflicts with actual -1', async () => {
      const s = stream();
      for (const expected of ['stream_exists', 0n] as const) {
        const res = await store.append(s, [anEvent()], expected);
        expect(isLeft(res) && res.left.actual).toBe(-1n);
      }
      expect(await store.readStream(s)).toEqual([]);
    });

    it('a retried append (same event ids) writes nothing new and answers the first result', async () => {
      const s = stream();
      const events = [anEvent(), anEvent()];
      const first = ok(await store.append(s, events, 'no_stream'));
      const again = ok(await store.append(s, events, 'no_stream'));
      expect(again.nextRevision).toBe(first.nextRevision);
      expect(again.position).toBe(first.position);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('an append that repeats an event id within itself is refused and writes nothing', async () => {
      const s = stream();
      const e = anEvent();
      let refused = false;
      try {
        refused = isLeft(await store.append(s, [e, e], 'no_stream'));
      } catch {
        refused = true;
      }
      expect(refused).toBe(true);
      expect(await store.readStream(s)).toEqual([]);
    });

    it('reads a stream between revisions and up to a recorded time', async () => {
      const s = stream();
      ok(await store.append(s, [anEvent('A'), anEvent('B')], 'no_stream'));
      clock.set('2026-03-02T08:00:00.000Z');
      ok(await store.append(s, [anEvent('C')], 1n));
      expect((await store.readStream(s, { fromRevision: 1n })).map((e) => e.type)).toEqual(['B', 'C']);
      expect((await store.readStream(s, { toRevision: 1n })).map((e) => e.type)).toEqual(['A', 'B']);
      expect((await store.readStream(s, { until: '2026-03-01T23:59:59.999Z' })).map((e) => e.type)).toEqual([
        'A',
        'B',
      ]);
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('reads the global log in position order, after a position, with stream-prefix and type filters', async () => {
      const start = await store.headPosition();
      const a = `archive-${randomUUID()}`;
      const r = `reads-${randomUUID()}`;
      ok(await store.append(a, [anEvent('ArchiveCreated'), anEvent('ContactLogged')], 'no_stream'));
      ok(await store.append(r, [anEvent('ArchiveRead')], 'any'));
      ok(await store.append(a, [anEvent('TierChanged')], 1n));
      const all = await store.readAll({ after: start });
      expect(all.map((e) => e.type)).toEqual([
        'ArchiveCreated',
        'ContactLogged',
        'ArchiveRead',
        'TierChanged',
      ]);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      expect((await store.readAll({ after: all[1]!.position })).map((e) => e.type)).toEqual([
        'ArchiveRead',
        'TierChanged',
      ]);
      expect((await store.readAll({ after: start, limit: 2 })).map((e) => e.type)).toEqual([
        'ArchiveCreated',
        'ContactLogged',
      ]);
      expect((await store.readAll({ after: start, streamPrefix: 'reads-' })).map((e) => e.streamId)).toEqual([
        r,
      ]);
      expect(
        (await store.readAll({ after: start, types: ['TierChanged', 'ArchiveCreated'] })).map((e) => e.type),
      ).toEqual(['ArchiveCreated', 'TierChanged']);
      expect(await store.headPosition()).toBe(all.at(-1)!.position);
    });

    // optional in the port: a store without it is rebuilt in position order (the runner's fallback)
    (harness.withoutReadByStream ? it.skip : it)(
      'reads the log stream by stream up to a position, page after page from a cursor',
      async () => {
        expect(store.readByStream).toBeDefined();
        const read = store.readByStream!.bind(store);
        const before = await store.headPosition();
        const a = stream();
        const b = stream();
        const c = stream();
        ok(await store.append(a, [anEvent('ArchiveCreated'), anEvent('ContactLogged')], 'no_stream'));
        ok(await store.append(b, [anEvent('ArchiveCreated')], 'no_stream'));
        ok(await store.append(a, [anEvent('TierChanged')], 1n));
        ok(await store.append(c, [anEvent('ArchiveCreated'), anEvent('ContactLogged')], 'no_stream'));
        const upTo = await store.headPosition();
        // appended after the bound: never returned
        ok(await store.append(b, [anEvent('ContactLogged')], 0n));
        ok(await store.append(stream(), [anEvent('ArchiveCreated')], 'no_stream'));
        const mine = new Set([a, b, c]);
        const whole = (await read({ upTo, limit: 100_000 })).filter((e) => mine.has(e.streamId));
        expect(whole).toHaveLength(6);
        // each stream's events together and in revision order
        const runs = whole.map((e) => e.streamId).filter((id, i, all) => i === 0 || all[i - 1] !== id);
        expect(new Set(runs).size).toBe(runs.length);
        for (const id of mine)
          expect(whole.filter((e) => e.streamId === id).map((e) => e.revision)).toEqual(
            id === b ? [0n] : id === a ? [0n, 1n, 2n] : [0n, 1n],
          );
        expect(whole.every((e) => e.position > before && e.position <= upTo)).toBe(true);
        // page by page from the last event's cursor: the same events, in the same order, none twice
        const everything = await read({ upTo, limit: 100_000 });
        const paged: ProjectableEvent[] = [];
        for (let page = await read({ upTo, limit: 2 }); page.length > 0;) {
          paged.push(...page);
          const last = page.at(-1)!;
          page = await read({ upTo, limit: 2, after: { streamId: last.streamId, revision: last.revision } });
        }
        const at = (e: ProjectableEvent) => `${e.streamId}@${e.revision}:${e.position}`;
        expect(paged.map(at)).toEqual(everything.map(at));
        // each event as read models fold it: type, version, data and metadata as appended
        const byPlace = (x: ProjectableEvent, y: ProjectableEvent) => at(x).localeCompare(at(y));
        const appended = [...(await store.readStream(a)), ...(await store.readStream(c))].map(projectableOf);
        expect(appended).toHaveLength(5);
        expect(appended[0]!.metadata.actor.name).toBe('张三');
        expect(
          whole
            .filter((e) => e.streamId === a || e.streamId === c)
            .map(projectableOf)
            .sort(byPlace),
        ).toEqual(appended.sort(byPlace));
        // a cursor inside a stream goes on with that stream's next revision
        const inside = await read({ upTo, limit: 1, after: { streamId: a, revision: 0n } });
        expect(inside.map((e) => [e.streamId, e.revision])).toEqual([[a, 1n]]);
      },
    );

    (harness.withoutReadByStream ? it.skip : it)(
      'reads by stream the metadata of the types asked for as appended; of the others, none or the same',
      async () => {
        const read = store.readByStream!.bind(store);
        const before = await store.headPosition();
        const a = stream();
        const b = stream();
        ok(await store.append(a, [anEvent('ArchiveCreated'), anEvent('ContactLogged')], 'no_stream'));
        ok(await store.append(b, [anEvent('TierChanged'), anEvent('ArchiveUpdated')], 'no_stream'));
        const upTo = await store.headPosition();
        const mine = (events: readonly ProjectableEvent[]) =>
          events.filter((e) => e.position > before && (e.streamId === a || e.streamId === b));
        const full = mine(await read({ upTo, limit: 100_000 }));
        const some = mine(await read({ upTo, limit: 100_000, metadataOf: ['TierChanged', 'ContactLogged'] }));
        const none = mine(await read({ upTo, limit: 100_000, metadataOf: [] }));
        expect(some.map((e) => e.position)).toEqual(full.map((e) => e.position));
        expect(none.map((e) => e.position)).toEqual(full.map((e) => e.position));
        const metadataOrThrown = (e: ProjectableEvent): unknown => {
          try {
            return e.metadata;
          } catch (err) {
            expect(err).toBeInstanceOf(MetadataNotRead);
            expect((err as MetadataNotRead).position).toBe(e.position);
            expect((err as MetadataNotRead).type).toBe(e.type);
            return 'not read';
          }
        };
        for (const [i, e] of some.entries()) {
          // everything but metadata is as a full read has it
          expect(withoutMetadata(e)).toEqual(withoutMetadata(full[i]!));
          if (e.type === 'TierChanged' || e.type === 'ContactLogged')
            expect(e.metadata).toEqual(full[i]!.metadata);
          else
            expect(metadataOrThrown(e)).toEqual(
              harness.leavesUnaskedMetadataUnread ? 'not read' : full[i]!.metadata,
            );
        }
        for (const [i, e] of none.entries())
          expect(metadataOrThrown(e)).toEqual(
            harness.leavesUnaskedMetadataUnread ? 'not read' : full[i]!.metadata,
          );
      },
    );

    it('subscribes from a checkpoint: catch-up, then live, with no gap and no duplicate', async () => {
      const s = stream();
      ok(await store.append(s, [anEvent('E0'), anEvent('E1'), anEvent('E2')], 'no_stream'));
      const [, first] = await store.readStream(s);
      const ctrl = new AbortController();
      const got = collect(
        store.subscribe({ after: first!.position, streamPrefix: s, batchSize: 1, signal: ctrl.signal }),
        3,
        ctrl,
      );
      ok(await store.append(s, [anEvent('E3')], 2n));
      ok(await store.append(s, [anEvent('E4')], 3n));
      expect((await got).map((e) => e.type)).toEqual(['E2', 'E3', 'E4']);
    }, 20_000);

    it('a subscription ends when its signal aborts', async () => {
      const ctrl = new AbortController();
      const seen: RecordedEvent[] = [];
      const run = (async () => {
        for await (const e of store.subscribe({ after: await store.headPosition(), signal: ctrl.signal }))
          seen.push(e);
      })();
      setTimeout(() => ctrl.abort(), 50);
      await run;
      expect(seen).toEqual([]);
    });

    it('8 concurrent writers with the same expected revision: exactly one wins each revision, nothing lost or doubled', async () => {
      const s = stream();
      ok(await store.append(s, [anEvent()], 'no_stream'));
      const written: string[] = [];
      const writer = async (w: number) => {
        for (let k = 0; k < 5; k++) {
          for (;;) {
            const head = (await store.readStream(s)).at(-1)!.revision;
            const e = anEvent('W', { w, k });
            const res = await store.append(s, [e], head);
            if (isRight(res)) {
              written.push(e.eventId);
              break;
            }
            expect(res.left._tag).toBe('ConcurrencyConflict');
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      const read = await store.readStream(s);
      expect(read).toHaveLength(41);
      expect(new Set(read.map((e) => e.eventId)).size).toBe(41);
      expect(
        read
          .slice(1)
          .map((e) => e.eventId)
          .sort(),
      ).toEqual([...written].sort());
      expect(isRight(verifyChain(s, read))).toBe(true);
    }, 60_000);

    it('lists every stream head with its last revision and hash', async () => {
      const s = stream();
      const res = ok(await store.append(s, [anEvent(), anEvent()], 'no_stream'));
      const head = (await store.streamHeads()).find((h) => h.streamId === s);
      expect(head).toEqual({ streamId: s, revision: 1n, position: res.position, hash: res.events[1]!.hash });
    });
  });
};
