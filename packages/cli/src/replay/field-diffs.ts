import { isRedacted, isSealed } from '@dossier/core';

/** One field's change: `undefined` where the field was (or is) absent. */
export interface FieldDiff {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Markers that stand for one value: sealed, withheld and destroyed personal values. */
const isValueMarker = (v: object): boolean =>
  isSealed(v) || isRedacted(v) || (v as { $personal?: unknown }).$personal === 'withheld';

/**
 * Leaves by path: `profile.company.address`, `borrowings.b-1.status`, `transactions[2].minor`. Empty objects
 * and arrays yield nothing; a personal value (sealed or marked) is one leaf.
 */
export const flatten = (
  value: unknown,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> => {
  if (value === undefined) return out;
  if (typeof value === 'object' && value !== null && !isValueMarker(value)) {
    if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
    else for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  out.set(prefix, value);
  return out;
};

const same = (a: unknown, b: unknown): boolean =>
  a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));

/** The fields that differ between two values, in the order of `after` (then those `after` lost). */
export const diffFields = (before: unknown, after: unknown): FieldDiff[] => {
  const b = flatten(before);
  const a = flatten(after);
  const fields = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return fields
    .filter((f) => !same(b.get(f), a.get(f)))
    .map((f) => ({ field: f, before: b.get(f), after: a.get(f) }));
};
