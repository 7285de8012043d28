/**
 * A column of many rows (`rows[i][column]`, at least one) as a PostgreSQL `text[]` in the binary format of a
 * bound parameter (what `array_recv` reads: a one-dimensional array of `text`, each element its length and
 * UTF-8 bytes, -1 for NULL). The server takes each value as it is, with no JSON to lex and unescape character
 * by character; a read model's rows go to PostgreSQL as one such array a column (see `writeRows`).
 *
 * A value is written as a JSON array parameter would have given it to the column: null, undefined and a
 * number that is not finite as NULL, a string as it is, a number, bigint or boolean as its text, anything else
 * as its JSON text.
 */
export const textArray = (rows: readonly Readonly<Record<string, unknown>>[], column: string): Buffer => {
  const n = rows.length;
  const texts: (string | null)[] = new Array<string | null>(n);
  let units = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i]![column];
    const t = typeof v === 'string' ? v : asText(v);
    texts[i] = t;
    if (t !== null) units += t.length;
  }
  // at most 3 bytes of UTF-8 a UTF-16 unit (a pair of them, 4 bytes); written in place when that fits the
  // scratch buffer, then copied out once; a larger column is sized exactly first
  const most = HEADER + 4 * n + 3 * units;
  const b = most <= SCRATCH_BYTES ? scratch() : Buffer.allocUnsafeSlow(exactSize(texts));
  // the header: dimensions, has nulls, element type (text), length, lower bound
  b.writeInt32BE(1, 0);
  b.writeInt32BE(1, 4);
  b.writeUInt32BE(TEXT_OID, 8);
  b.writeInt32BE(n, 12);
  b.writeInt32BE(1, 16);
  let at = HEADER;
  for (let i = 0; i < n; i++) {
    const t = texts[i]!;
    const length = t === null ? -1 : t.length > SHORT ? b.write(t, at + 4, 'utf8') : putUtf8(b, at + 4, t);
    b[at] = length >>> 24;
    b[at + 1] = (length >>> 16) & 0xff;
    b[at + 2] = (length >>> 8) & 0xff;
    b[at + 3] = length & 0xff;
    at += length < 0 ? 4 : 4 + length;
  }
  if (b !== scratchBuffer) return b;
  // memory of its own (never Node's shared pool), so that a writer on another thread may take it over
  const out = Buffer.allocUnsafeSlow(at);
  b.copy(out, 0, 0, at);
  return out;
};

const HEADER = 20;
/**
 * A text this long or shorter is encoded here, a character at a time: most of a row's values are short (ids,
 * times, numbers), and for them a call into Node's encoder (and the count of bytes before it) cost more than
 * the characters (measured: a column of 5,000 typical rows took half the time).
 */
const SHORT = 128;
/** Columns whose bytes may exceed this are sized exactly instead (the scratch buffer is kept). */
const SCRATCH_BYTES = 1 << 20;
let scratchBuffer: Buffer | undefined;
const scratch = (): Buffer => (scratchBuffer ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES));

const exactSize = (texts: readonly (string | null)[]): number => {
  let size = HEADER;
  for (const t of texts) size += t === null ? 4 : 4 + Buffer.byteLength(t);
  return size;
};

/**
 * `t` as UTF-8 at `at`, as Node's encoder writes it (a lone surrogate as U+FFFD); answers the bytes written.
 * The buffer has room for 3 bytes a unit.
 */
const putUtf8 = (b: Buffer, at: number, t: string): number => {
  let p = at;
  const m = t.length;
  for (let k = 0; k < m; k++) {
    let c = t.charCodeAt(k);
    if (c < 0x80) {
      b[p++] = c;
      continue;
    }
    if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) {
      const d = k + 1 < m ? t.charCodeAt(k + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        k++;
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 0x3f);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
        continue;
      }
      c = 0xfffd;
    }
    b[p++] = 0xe0 | (c >> 12);
    b[p++] = 0x80 | ((c >> 6) & 0x3f);
    b[p++] = 0x80 | (c & 0x3f);
  }
  return p - at;
};

const TEXT_OID = 25;

const asText = (v: unknown): string | null => {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? String(v) : null;
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'undefined':
      return null;
    default:
      return v === null ? null : JSON.stringify(v);
  }
};
