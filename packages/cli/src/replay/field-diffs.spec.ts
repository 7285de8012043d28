import { REDACTED } from '@dossier/core';
import { diffFields, flatten } from './field-diffs';

describe('field diffs', () => {
  it('flattens to paths, personal values and markers as single leaves, empty containers as nothing', () => {
    const sealed = { $pii: 'abc' };
    expect([
      ...flatten({
        a: { b: 1, c: [] },
        people: sealed,
        gone: REDACTED,
        list: [{ x: 1 }, 2],
        e: {},
      }).entries(),
    ]).toEqual([
      ['a.b', 1],
      ['people', sealed],
      ['gone', REDACTED],
      ['list[0].x', 1],
      ['list[1]', 2],
    ]);
  });

  it('names each field that changed, was added or went away', () => {
    expect(
      diffFields(
        { status: 'open', tier: 'B', holds: { h1: { kind: 'legal' } }, p: { $pii: 'a' } },
        { status: 'open', tier: 'A', receipts: { r1: { warned: false } }, p: { $pii: 'b' } },
      ),
    ).toEqual([
      { field: 'tier', before: 'B', after: 'A' },
      { field: 'receipts.r1.warned', before: undefined, after: false },
      { field: 'p', before: { $pii: 'a' }, after: { $pii: 'b' } },
      { field: 'holds.h1.kind', before: 'legal', after: undefined },
    ]);
  });
});
