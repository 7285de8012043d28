import { rowCache } from './row-cache';

describe('the rows kept between batches (issue #4: memory flat in the number of events)', () => {
  it('keeps the most recently used entries within the capacity, counting each entry by its weight', () => {
    const cache = rowCache<string>(10);
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    cache.set('c', 'C', 4); // 12 > 10: the least recently used (b) goes
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual(['A', 'C']);
    cache.set('a', 'A2', 6); // replacing an entry re-weighs it: 6 + 4 = 10
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual(['A2', 'C', 2]);
    cache.set('huge', 'H', 11); // heavier than the whole cache: not kept, and nothing evicted for it
    expect([cache.get('huge'), cache.size]).toEqual([undefined, 2]);
    cache.delete('c');
    cache.set('d', 'D', 4);
    expect(cache.size).toBe(2);
    cache.clear();
    expect([cache.get('a'), cache.size]).toEqual([undefined, 0]);
  });

  it('unweighed entries count one each', () => {
    const cache = rowCache<number>(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect([cache.get('k6'), cache.get('k7'), cache.get('k9')]).toEqual([undefined, 7, 9]);
  });
});
