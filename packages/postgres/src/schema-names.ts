/** Everything derived from the schema name: quoted identifiers, the advisory-lock tag, the NOTIFY channel. */
export interface SchemaNames {
  /** The schema name as given (validated). */
  readonly schema: string;
  /** The schema as a quoted SQL identifier. */
  readonly q: string;
  /**
   * 15-bit tag (0x4000–0x7fff) that namespaces this schema's advisory locks: the top 16 bits of the 64-bit
   * key of every position marker (see read-horizon.ts), and the object id of the migration lock.
   */
  readonly tag: number;
  /** The LISTEN/NOTIFY channel on which appends are announced. */
  readonly channel: string;
}

const NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** FNV-1a, 32 bits: a stable small hash so that every process derives the same tag from the same name. */
const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

export const schemaNames = (schema: string): SchemaNames => {
  if (!NAME.test(schema)) {
    throw new RangeError(
      `invalid schema name ${JSON.stringify(schema)}: use 1–48 characters of a-z, 0-9 and _, not starting with a digit`,
    );
  }
  return { schema, q: `"${schema}"`, tag: 0x4000 | (fnv1a(schema) & 0x3fff), channel: `${schema}_appended` };
};
