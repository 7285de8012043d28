import type { EventToAppend, RecordedEvent } from '@dossier/core';
import { inMemoryEventStore } from '@dossier/core';
import { SecrecyIndex } from './secrecy-index';

const event = (type: string, data: Record<string, unknown>, n: number): EventToAppend => ({
  eventId: `e-${n}`,
  type,
  schemaVersion: 1,
  data: data as never,
  metadata: {
    actor: { id: 'a', role: 'system', department: '' },
    occurredAt: '2026-01-01T00:00:00.000Z',
    correlationId: 'c',
    causationId: 'c',
  },
});

describe('SecrecyIndex: the level an archive had at each event', () => {
  it('folds events read in order, fills gaps from the stream, and reads again what it evicted', async () => {
    const store = inMemoryEventStore();
    let n = 0;
    const all: RecordedEvent[] = [];
    for (const id of ['a', 'b', 'c']) {
      const res = await store.append(
        `archive-${id}`,
        [
          event('ArchiveCreated', { secrecyLevel: 'internal' }, n++),
          event('ContactLogged', {}, n++),
          event('SecrecyLevelChanged', { from: 'internal', to: 'secret' }, n++),
          event('ContactLogged', {}, n++),
        ],
        'no_stream',
      );
      if (res._tag === 'Right') all.push(...res.right.events);
    }
    const reads: string[] = [];
    const counting = { readStream: (s: string, o?: object) => (reads.push(s), store.readStream(s, o)) };
    const index = new SecrecyIndex(counting, 2);
    // in order from the start: no read at all
    const levels = [];
    for (const r of all) levels.push(index.levelAtNow(r, r.streamId.slice(8)));
    expect(levels).toEqual(Array(3).fill(['internal', 'internal', 'secret', 'secret']).flat());
    expect(reads).toEqual([]);
    // 'a' was evicted (two archives kept): its last event needs its stream, once
    const lastOfA = all[3]!;
    expect(index.levelAtNow(lastOfA, 'a')).toBeUndefined();
    expect(await index.levelAt(lastOfA, 'a')).toBe('secret');
    expect(await index.levelAt(all[1]!, 'a')).toBe('internal');
    expect(reads).toEqual(['archive-a']);
  });
});
