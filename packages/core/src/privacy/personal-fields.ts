import type { Json } from '../ports/event-store';
import type { Sealed } from './encryption';
import { REDACTED, decryptJson, encryptJson, isRedacted, isSealed } from './encryption';

/**
 * Personal information (DOMAIN.md §1, right column): the bank account, every person of the customer's, and
 * the customer-side name of a contact. These field names are also the `field` of an ArchiveUpdated change.
 */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set(['company.bankAccount', 'people']);

type Obj = { readonly [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Replace every personal slot of an event's stored data with its ciphertext. */
export const sealPersonal = (type: string, data: Json, seal: (v: Json) => Sealed): Json => {
  if (!isObj(data)) return data;
  const sealIf = (v: Json | undefined): Json | undefined =>
    v === undefined || isSealed(v) ? v : (seal(v) as unknown as Json);
  switch (type) {
    case 'ArchiveCreated': {
      const profile = data.profile;
      if (!isObj(profile)) return data;
      const company = isObj(profile.company) ? profile.company : {};
      return {
        ...data,
        profile: {
          ...profile,
          company:
            company.bankAccount === undefined
              ? company
              : { ...company, bankAccount: sealIf(company.bankAccount)! },
          people: sealIf(profile.people) ?? [],
        },
      };
    }
    case 'ArchiveUpdated': {
      const changes = Array.isArray(data.changes) ? data.changes : [];
      return {
        ...data,
        changes: changes.map((c) =>
          isObj(c) && typeof c.field === 'string' && PERSONAL_FIELDS.has(c.field)
            ? { ...c, before: sealIf(c.before) ?? null, after: sealIf(c.after) ?? null }
            : c,
        ),
      };
    }
    case 'ContactLogged':
      return { ...data, withWhom: sealIf(data.withWhom) ?? null };
    default:
      return data;
  }
};

/** Replace every sealed value with its plaintext, or with the destroyed marker when there is no key. */
export const openPersonal = (data: Json, open: ((s: Sealed) => Json) | undefined): Json => {
  if (isSealed(data)) return open ? open(data) : (REDACTED as unknown as Json);
  if (Array.isArray(data)) return data.map((v) => openPersonal(v, open));
  if (isObj(data)) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(data)) out[k] = openPersonal(data[k]!, open);
    return out;
  }
  return data;
};

export const sealerFor = (key: Uint8Array, aad: string) => (v: Json) => encryptJson(key, v, aad);
export const openerFor = (key: Uint8Array, aad: string) => (s: Sealed) => decryptJson(key, s, aad);

/** Does a value carry a destroyed or sealed marker anywhere (input must never)? */
export const containsRedacted = (v: unknown): boolean => {
  if (isRedacted(v) || isSealed(v)) return true;
  if (Array.isArray(v)) return v.some(containsRedacted);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(containsRedacted);
  return false;
};

/** Does a stored value hold any plaintext from `needles`? (Used by tests and the destruction check.) */
export const holdsPlaintext = (v: Json, needles: readonly string[]): boolean =>
  needles.some((n) => JSON.stringify(v).includes(n));
