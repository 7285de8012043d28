import type { Json } from '@dossier/core';
import { isSealed } from '@dossier/core';

/** What a still-sealed personal value reads as outside the access-checked detail read. */
export const WITHHELD = Object.freeze({ $personal: 'withheld' as const });

/** Replace every sealed personal value by a marker: withheld, or destroyed once the archive's key is gone. */
export const withholdPersonal = (value: unknown, marker: unknown = WITHHELD): unknown => {
  if (isSealed(value)) return marker;
  if (Array.isArray(value)) return value.map((v) => withholdPersonal(v, marker));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withholdPersonal(v, marker);
    return out;
  }
  return value;
};

export const parseJson = (text: unknown): Json =>
  typeof text === 'string' ? (JSON.parse(text) as Json) : null;
