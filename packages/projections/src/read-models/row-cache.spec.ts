import { rowCache } from './row-cache';

describe('the rows kept between batches (issue #4: memory flat in the number of events)', () => {
  it('keeps the most recently used entries within the capacity, counting each entry by its weight', () => {
    const cache = rowCache<string>(10);
    // one batch per entry, none kept beyond its own: plain LRU by weight
    const set = (k: string, v: string, w: number) => {
      cache.nextBatch(1);
      cache.set(k, v, w);
    };
    set('a', 'A', 4);
    set('b', 'B', 4);
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    set('c', 'C', 4); // 12 > 10: the least recently used (b) goes
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual(['A', 'C']);
    set('a', 'A2', 6); // replacing an entry re-weighs it: 6 + 4 = 10
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual(['A2', 'C', 2]);
    cache.delete('c');
    set('d', 'D', 4);
    expect(cache.size).toBe(2);
    cache.clear();
    expect([cache.get('a'), cache.size]).toEqual([undefined, 0]);
  });

  it('unweighed entries count one each', () => {
    const cache = rowCache<number>(3);
    for (let i = 0; i < 10; i++) {
      cache.nextBatch(1);
      cache.set(`k${i}`, i);
    }
    expect(cache.size).toBe(3);
    expect([cache.get('k6'), cache.get('k7'), cache.get('k9')]).toEqual([undefined, 7, 9]);
  });

  it('what the batches still committing wrote is never evicted, even above the capacity; older rows go first', () => {
    const cache = rowCache<string>(2);
    cache.nextBatch(2); // batch 1: it and the one before are kept
    for (const k of ['a', 'b', 'c']) cache.set(k, k);
    expect(cache.size).toBe(3);
    cache.nextBatch(2); // batch 2: batch 1 may still be committing
    cache.set('d', 'd');
    expect(cache.size).toBe(4);
    cache.nextBatch(2); // batch 3: batch 1 has committed
    cache.set('e', 'e');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, undefined]);
    expect([cache.get('d'), cache.get('e'), cache.size]).toEqual(['d', 'e', 2]);
    // an entry heavier than the whole cache is kept while its batch may be committing, then goes
    cache.nextBatch(1);
    cache.set('huge', 'H', 5);
    expect(cache.get('huge')).toBe('H');
    cache.nextBatch(1);
    cache.set('f', 'f');
    expect([cache.get('huge'), cache.get('f')]).toEqual([undefined, 'f']);
  });

  it("a batch may lower the bound (a stream pass: 0): only what the batches still committing wrote stays, and the cache's own bound returns after", () => {
    const cache = rowCache<string>(100);
    for (const k of ['a', 'b', 'c']) {
      cache.nextBatch(2);
      cache.set(k, k);
    }
    expect(cache.size).toBe(3);
    cache.nextBatch(2, 0); // batch 4: batch 3 may still be committing; a and b go at once
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, 'c']);
    cache.set('d', 'd');
    cache.nextBatch(2, 0); // batch 5: only batch 4's row stays
    expect([cache.get('c'), cache.get('d'), cache.size]).toEqual([undefined, 'd', 1]);
    cache.nextBatch(2); // its own bound again: nothing goes
    for (const k of ['e', 'f', 'g']) cache.set(k, k);
    cache.nextBatch(2);
    expect(cache.size).toBe(4);
  });

  it('stays least-recently-used through many uses and evictions (its queue of uses is compacted)', () => {
    const capacity = 50;
    const cache = rowCache<number>(capacity);
    // a reference LRU: a Map in order of last use
    const model = new Map<string, number>();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 60_000; step++) {
      cache.nextBatch(1);
      const k = `k${Math.floor(random() * 120)}`;
      if (random() < 0.6) {
        const v = model.get(k);
        expect(cache.get(k)).toBe(v);
        if (v !== undefined) {
          model.delete(k);
          model.set(k, v);
        }
      } else {
        cache.set(k, step);
        model.delete(k);
        model.set(k, step);
        while (model.size > capacity) model.delete(model.keys().next().value as string);
      }
      expect(cache.size).toBe(model.size);
    }
    for (const [k, v] of model) expect(cache.get(k)).toBe(v);
  });

  it('many uses of the same rows do not grow it: the queue of uses stays in proportion to the rows', () => {
    const cache = rowCache<number>(100);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    for (let n = 0; n < 200_000; n++) expect(cache.get(`k${n % 10}`)).toBe(n % 10);
    expect(cache.size).toBe(10);
    expect(cache.queued).toBeLessThanOrEqual(4 * 10 + 4096 + 1);
  });
});
