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
  const texts: (string | null)[] = new Array<string | null>(rows.length);
  // the header: dimensions, has nulls, element type (text), length, lower bound
  let size = 20;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![column];
    const t = typeof v === 'string' ? v : asText(v);
    texts[i] = t;
    size += t === null ? 4 : 4 + Buffer.byteLength(t);
  }
  // memory of its own (never Node's shared pool), so that a writer on another thread may take it over
  const b = Buffer.allocUnsafeSlow(size);
  b.writeInt32BE(1, 0);
  b.writeInt32BE(1, 4);
  b.writeUInt32BE(TEXT_OID, 8);
  b.writeInt32BE(rows.length, 12);
  b.writeInt32BE(1, 16);
  let at = 20;
  for (const t of texts) {
    if (t === null) {
      b.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const n = t.length === 0 ? 0 : b.write(t, at + 4, 'utf8');
    b.writeInt32BE(n, at);
    at += 4 + n;
  }
  return b;
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
