import * as t from 'io-ts';

type Out<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> } & {
  [K in keyof O]?: t.TypeOf<O[K]>;
};
type Enc<R extends t.Props, O extends t.Props> = { [K in keyof R]: t.OutputOf<R[K]> } & {
  [K in keyof O]?: t.OutputOf<O[K]>;
};

export const UNKNOWN_FIELD = 'unknown field';

/**
 * A record codec with required and optional members that rejects unknown members, naming each one.
 * (io-ts `exact` strips unknown members silently; a bad input must be refused, not half-read.)
 */
export const struct = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional: O = {} as O,
): StructType<R, O> => {
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const is = (u: unknown): u is Out<R, O> =>
    typeof u === 'object' &&
    u !== null &&
    Object.keys(required).every((k) => required[k]!.is((u as Record<string, unknown>)[k])) &&
    Object.keys(optional).every((k) => {
      const v = (u as Record<string, unknown>)[k];
      return v === undefined || optional[k]!.is(v);
    });
  const codec = new t.Type<Out<R, O>, Enc<R, O>, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return t.failure(u, c, `${name} must be an object`);
      const input = u as Record<string, unknown>;
      const errors: t.Errors = [];
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(input)) {
        if (!known.has(k))
          errors.push({
            value: input[k],
            context: [...c, { key: k, type: t.never, actual: input[k] }],
            message: UNKNOWN_FIELD,
          });
      }
      const check = (k: string, codec: t.Mixed) => {
        const r = codec.validate(input[k], [...c, { key: k, type: codec, actual: input[k] }]);
        if (r._tag === 'Left') errors.push(...r.left);
        else out[k] = r.right;
      };
      for (const k of Object.keys(required)) check(k, required[k]!);
      for (const k of Object.keys(optional)) if (input[k] !== undefined) check(k, optional[k]!);
      return errors.length ? t.failures(errors) : t.success(out as Out<R, O>);
    },
    (a) => {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(required)) out[k] = required[k]!.encode((a as Record<string, unknown>)[k]);
      for (const k of Object.keys(optional)) {
        const v = (a as Record<string, unknown>)[k];
        if (v !== undefined) out[k] = optional[k]!.encode(v);
      }
      return out as Enc<R, O>;
    },
  );
  return Object.assign(codec, { required, optional });
};

export type StructType<R extends t.Props, O extends t.Props> = t.Type<Out<R, O>, Enc<R, O>, unknown> & {
  readonly required: R;
  readonly optional: O;
};

/** The same members, all optional: the shape of a field-level patch. */
export const partialOf = <R extends t.Props, O extends t.Props>(name: string, s: StructType<R, O>) =>
  struct(name, {}, { ...s.required, ...s.optional });
