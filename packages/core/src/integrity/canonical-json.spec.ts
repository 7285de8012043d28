import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

describe('canonical JSON (the bytes a hash covers)', () => {
  it('does not depend on the order keys were written in, and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x', { d: undefined, c: 2 }] })).toBe(
      '{"a":[true,null,"x",{"c":2}],"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('parses back to the same value as JSON.stringify gives for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) =>
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v))),
      ),
    );
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
  });
});
