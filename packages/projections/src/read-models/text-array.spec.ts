import fc from 'fast-check';
import { textArray } from './text-array';

/** The format spelled out value by value (`array_recv`'s): the header, then each length and UTF-8 bytes. */
const reference = (values: readonly (string | null)[]): Buffer => {
  const header = Buffer.alloc(20);
  header.writeInt32BE(1, 0);
  header.writeInt32BE(1, 4);
  header.writeUInt32BE(25, 8);
  header.writeInt32BE(values.length, 12);
  header.writeInt32BE(1, 16);
  const parts = values.map((v) => {
    const bytes = v === null ? Buffer.alloc(0) : Buffer.from(v, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32BE(v === null ? -1 : bytes.length);
    return Buffer.concat([length, bytes]);
  });
  return Buffer.concat([header, ...parts]);
};

const column = (values: readonly unknown[]) => values.map((v) => ({ c: v }));

describe('rows reach PostgreSQL as one binary text[] a column (issue #4, read models)', () => {
  it('writes ASCII, text beyond it, empty text and NULL as array_recv reads them', () => {
    const values = ['archive-1', '客户公司 7', '', null, 'a𝌆b', 'it\'s "quoted"\\', 'x'.repeat(300)];
    expect(textArray(column(values), 'c')).toEqual(reference(values));
  });

  it('writes lengths of 128 bytes and more (bytes of the length past 0x7f) exactly', () => {
    for (const n of [127, 128, 255, 256, 65_535, 65_536, 70_000]) {
      const values = ['é'.repeat(n), 'e'.repeat(n), null];
      // as hex: jest compares long buffers byte by byte, slowly
      expect(textArray(column(values), 'c').toString('hex')).toBe(reference(values).toString('hex'));
    }
  });

  it('writes a column of more than a megabyte of text the same (sized exactly, not in the scratch buffer)', () => {
    const values = Array.from({ length: 5_000 }, (_, i) =>
      i % 7 === 0 ? null : i % 2 ? `客户 ${i} `.repeat(20) : `a𝌆\ud800 ${i}`,
    );
    expect(textArray(column(values), 'c').toString('hex')).toBe(reference(values).toString('hex'));
  });

  it('answers memory of its own: a later column does not change an earlier one, whose buffer is whole', () => {
    const first = textArray(column(['one', 'two']), 'c');
    const copy = Buffer.from(first);
    textArray(column(['three', 'four', 'five']), 'c');
    expect(first).toEqual(copy);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(first.byteLength);
  });

  it('writes numbers, bigints and booleans as their text, objects as JSON, missing values as NULL', () => {
    const rows = column([1.5, -3, 12345678901234567890n, true, { a: [1, '档'] }, undefined, NaN, null]);
    expect(textArray(rows, 'c')).toEqual(
      reference(['1.5', '-3', '12345678901234567890', 'true', '{"a":[1,"档"]}', null, null, null]),
    );
  });

  it('agrees with the format spelled out for any column of text and NULLs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), { nil: null }), {
          minLength: 1,
        }),
        (values) => {
          expect(textArray(column(values), 'c')).toEqual(reference(values));
        },
      ),
    );
  });
});
