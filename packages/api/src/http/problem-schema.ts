import * as t from 'io-ts';

/** The problem body (RFC 9457) as a codec, for the OpenAPI document. */
export const ProblemDocument = t.intersection(
  [
    t.type({ type: t.string, title: t.string, status: t.number, detail: t.string }),
    t.partial({
      instance: t.string,
      code: t.string,
      rule: t.string,
      errors: t.array(t.type({ path: t.string, rule: t.string })),
    }),
  ],
  'Problem',
);
