import type * as t from 'io-ts';
import { UNKNOWN_FIELD } from './struct';

/** One failing field of a bad input: where, and which rule it broke. */
export interface FieldError {
  readonly path: string;
  readonly rule: string;
}

export interface ValidationError {
  readonly _tag: 'ValidationError';
  readonly message: string;
  readonly errors: readonly FieldError[];
}

const ruleOf = (e: t.ValidationError): string => {
  if (e.message) return e.message;
  const last = e.context[e.context.length - 1];
  if (e.value === undefined) return `required (${last?.type.name ?? 'value'})`;
  return `must be ${last?.type.name ?? 'valid'}`;
};

const pathOf = (e: t.ValidationError): string =>
  e.context
    .slice(1)
    .filter((c, i, all) => {
      // union and intersection members add numeric keys that are not part of the input's shape
      const parent = i === 0 ? e.context[0] : all[i - 1];
      const tag = (parent?.type as { _tag?: string } | undefined)?._tag;
      return c.key !== '' && tag !== 'UnionType' && tag !== 'IntersectionType';
    })
    .map((c) => c.key)
    .join('.');

/** Turn io-ts errors into a list naming every failing field path and its rule, deepest first per path. */
export const toValidationError = (errors: t.Errors, subject = 'input'): ValidationError => {
  const seen = new Map<string, string>();
  for (const e of errors) {
    const path = pathOf(e) || '(root)';
    const rule = ruleOf(e);
    if (!seen.has(path)) seen.set(path, rule);
    else if (rule === UNKNOWN_FIELD) seen.set(path, rule);
  }
  const list = [...seen].map(([path, rule]) => ({ path, rule }));
  return {
    _tag: 'ValidationError',
    message: `invalid ${subject}: ` + list.map((f) => `${f.path}: ${f.rule}`).join('; '),
    errors: list,
  };
};
