import type { RecordedEvent } from '@dossier/core';
import { inStreamOrder } from './stream-reader';

/** Events with only what the order looks at. */
const page = (...keys: [string, bigint][]): RecordedEvent[] =>
  keys.map(([streamId, revision]) => ({ streamId, revision }) as RecordedEvent);

describe('the order guard of a page read stream by stream (issue #4 rebuilds)', () => {
  it('takes a page ordered by stream, then revision', () => {
    expect(inStreamOrder(page(['archive-a', 0n], ['archive-a', 1n], ['archive-b', 0n]))).toBe(true);
    expect(inStreamOrder(page())).toBe(true);
  });

  it('refuses a page whose revisions go back or repeat within a stream, or whose streams go back', () => {
    expect(inStreamOrder(page(['archive-a', 1n], ['archive-a', 0n]))).toBe(false);
    expect(inStreamOrder(page(['archive-a', 1n], ['archive-a', 1n]))).toBe(false);
    expect(inStreamOrder(page(['archive-b', 0n], ['archive-a', 5n]))).toBe(false);
  });

  it('compares stream ids as SQLite does (UTF-8 bytes), not as UTF-16 code units', () => {
    // U+FF61 is below U+1F600 in UTF-8 (EF… < F0…) but above its surrogate pair in UTF-16 (FF61 > D83D)
    expect(inStreamOrder(page(['archive-\uFF61', 0n], ['archive-\u{1F600}', 0n]))).toBe(true);
    expect(inStreamOrder(page(['archive-\u{1F600}', 0n], ['archive-\uFF61', 0n]))).toBe(false);
  });
});
