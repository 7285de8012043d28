import type { Json } from '../ports/event-store';

const serialise = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number in JSON');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + serialise(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + serialise(v);
    first = false;
  }
  return out + '}';
};

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * The bytes a hash covers must not depend on the order a writer happened to build an object in.
 */
export const canonicalJson = (value: unknown): string => serialise(value);

/** Drop `undefined` members so a value compares equal to its stored-and-parsed self. */
export const toJson = (value: unknown): Json => JSON.parse(JSON.stringify(value) ?? 'null') as Json;
