import { left, right } from 'fp-ts/Either';
import type { EventStore, ProjectableEvent, RecordedEvent, StreamHead } from '../ports/event-store';
import { LazyProjectableEvent } from '../ports/projectable-event';
import { conflict, expectationHolds } from '../ports/event-store';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { appendSignal, pageSubscription } from '../ports/subscription';
import { GENESIS_HASH, sealEvents } from '../integrity/hash-chain';

const matches = (e: RecordedEvent, prefix?: string, types?: readonly string[]) =>
  (!prefix || e.streamId.startsWith(prefix)) && (!types || types.length === 0 || types.includes(e.type));

/** The reference adapter: everything in memory, for tests and the demo. */
export const inMemoryEventStore = (
  clock: Clock = systemClock,
): EventStore & { all(): readonly RecordedEvent[] } => {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const idsByStream = new Map<string, Map<string, RecordedEvent>>();
  const signal = appendSignal(1000);

  const readAll: EventStore['readAll'] = async ({ after = 0n, limit = 1000, streamPrefix, types } = {}) => {
    const out: RecordedEvent[] = [];
    // positions are 1-based and dense here: the event at position p sits at index p - 1
    for (let i = Number(after); i < log.length && out.length < limit; i++) {
      const e = log[i]!;
      if (matches(e, streamPrefix, types)) out.push(e);
    }
    return out;
  };

  return {
    async append(streamId, events, expected) {
      const stream = streams.get(streamId) ?? [];
      const actual = BigInt(stream.length) - 1n;
      if (new Set(events.map((e) => e.eventId)).size !== events.length)
        throw new TypeError(`an append to ${streamId} repeats an event id`);
      const known = idsByStream.get(streamId) ?? new Map<string, RecordedEvent>();
      const earlier = events.flatMap((e) => known.get(e.eventId) ?? []);
      if (events.length > 0 && earlier.length === events.length) {
        return right({ streamId, nextRevision: actual, position: earlier.at(-1)!.position, events: earlier });
      }
      // a partial overlap is not a retry: refuse it rather than write an event id twice
      if (earlier.length > 0 || !expectationHolds(expected, actual))
        return left(conflict(streamId, expected, actual));
      if (events.length === 0) return right({ streamId, nextRevision: actual, position: 0n, events: [] });
      const sealed = sealEvents(
        streamId,
        actual,
        stream.at(-1)?.hash ?? GENESIS_HASH,
        events,
        clock.now().toISOString(),
      );
      const recorded = sealed.map((s, i) => ({ ...s, position: BigInt(log.length + i + 1) }));
      log.push(...recorded);
      stream.push(...recorded);
      streams.set(streamId, stream);
      for (const r of recorded) known.set(r.eventId, r);
      idsByStream.set(streamId, known);
      signal.notify();
      return right({
        streamId,
        nextRevision: recorded.at(-1)!.revision,
        position: recorded.at(-1)!.position,
        events: recorded,
      });
    },
    async readStream(streamId, { fromRevision = 0n, toRevision, until } = {}) {
      return (streams.get(streamId) ?? []).filter(
        (e) =>
          e.revision >= fromRevision &&
          (toRevision === undefined || e.revision <= toRevision) &&
          (until === undefined || e.recordedAt <= until),
      );
    },
    readAll,
    async readByStream({ after, upTo, limit = 1000, metadataOf }) {
      // as the stores built for scale do, the metadata of a type not asked for is left out (reading it
      // throws), so that a read model's tests find a type missing from its readsMetadataOf
      const wanted = metadataOf && new Set(metadataOf);
      const asRead = (e: RecordedEvent): ProjectableEvent =>
        !wanted || wanted.has(e.type)
          ? e
          : new LazyProjectableEvent(
              e.streamId,
              e.revision,
              e.position,
              e.type,
              e.schemaVersion,
              e.data,
              undefined,
            );
      const out: ProjectableEvent[] = [];
      // streams in the order of their ids (as JavaScript compares strings)
      for (const id of [...streams.keys()].sort()) {
        if (after && id < after.streamId) continue;
        for (const e of streams.get(id)!) {
          if (out.length >= limit) return out;
          if (after && id === after.streamId && e.revision <= after.revision) continue;
          if (e.position <= upTo) out.push(asRead(e));
        }
      }
      return out;
    },
    subscribe: (options) => pageSubscription(readAll, signal.wait, options),
    async headPosition() {
      return BigInt(log.length);
    },
    async streamHeads() {
      const heads: StreamHead[] = [];
      for (const [streamId, s] of streams) {
        const last = s.at(-1)!;
        heads.push({ streamId, revision: last.revision, position: last.position, hash: last.hash });
      }
      return heads;
    },
    async close() {},
    all: () => log,
  };
};
