import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import { fixedClock } from '../ports/clock';
import type { RecordedEvent } from '../ports/event-store';
import { inMemoryEventStore } from '../memory/in-memory-event-store';
import { inMemoryKeyStore } from '../memory/in-memory-key-store';
import { commandHandler } from '../handler/command-handler';
import { aCreateArchive, aLogContact, anActor } from '../testing/fixtures';
import { archiveStream } from '../events/read-events';
import { verifyChain } from './verify';

// The stored form of an event, as bytes a tamperer could change (the global position is the store's, not the chain's).
const toText = ({ position: _p, ...e }: RecordedEvent) =>
  JSON.stringify({ ...e, revision: e.revision.toString() });
const fromText = (s: string, position: bigint): RecordedEvent => {
  const o = JSON.parse(s) as Omit<RecordedEvent, 'revision' | 'position'> & { revision: string };
  return { ...o, revision: BigInt(o.revision), position };
};

describe('integrity (ARCHITECTURE.md: each stream is a hash chain)', () => {
  let stream: RecordedEvent[];
  beforeAll(async () => {
    const clock = fixedClock('2026-03-02T02:00:00.000Z');
    const store = inMemoryEventStore(clock);
    const handler = commandHandler({ store, keys: inMemoryKeyStore(), clock });
    const id = randomUUID();
    await handler.execute(aCreateArchive(id));
    await handler.execute(aLogContact(id, '2026-03-02T01:00:00.000Z'));
    await handler.execute({
      type: 'ChangeTier',
      commandId: 't',
      archiveId: id,
      actor: anActor('marketing_manager', 'mm'),
      to: 'A',
      reason: '升级',
    });
    stream = [...(await store.readStream(archiveStream(id)))];
  });

  it('an untouched stream verifies', () => {
    expect(isRight(verifyChain(stream[0]!.streamId, stream))).toBe(true);
  });

  it('any one-byte change in any stored event is caught, at that event or the next link', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, where, delta) => {
        const i = which % stream.length;
        const bytes = Buffer.from(toText(stream[i]!), 'utf8');
        const at = where % bytes.length;
        const changed = Buffer.from(bytes);
        changed[at] = (changed[at]! + delta) % 256;
        let tampered: RecordedEvent;
        try {
          tampered = fromText(changed.toString('utf8'), stream[i]!.position);
        } catch {
          return true; // no longer parses: the store's reader refuses it before verification
        }
        if (toText(tampered) === toText(stream[i]!)) return true; // an invalid UTF-8 byte decoded to the same text
        const copy = [...stream];
        copy[i] = tampered;
        const res = verifyChain(stream[0]!.streamId, copy);
        expect(isLeft(res)).toBe(true);
        // named by its global position: a tampered revision number is reported as the event claims it
        const next = stream[i + 1]?.position ?? stream[i]!.position;
        if (isLeft(res)) expect(res.left.position <= next).toBe(true);
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('a removed or reordered event breaks the chain', () => {
    expect(isLeft(verifyChain(stream[0]!.streamId, [stream[0]!, stream[2]!]))).toBe(true);
    expect(isLeft(verifyChain(stream[0]!.streamId, [stream[1]!, stream[0]!, stream[2]!]))).toBe(true);
  });
});
