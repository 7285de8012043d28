import type { Json, Sealed } from '@dossier/core';
import { isSealed, openPersonal, openerFor, sealPersonal, upcast } from '@dossier/core';
import { WITHHELD, withholdPersonal } from '../queries/personal-values';

/** Event types whose data has personal slots (DOMAIN.md §1, PERSONAL_FIELDS of the core). */
export const PERSONAL_TYPES: ReadonlySet<string> = new Set([
  'ArchiveCreated',
  'ArchiveUpdated',
  'ContactLogged',
]);

/** Is there a sealed value anywhere in it (a walk that copies nothing)? */
const holdsSealed = (v: Json): boolean => {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(holdsSealed);
  if (isSealed(v)) return true;
  for (const k in v) if (holdsSealed((v as { readonly [k: string]: Json })[k]!)) return true;
  return false;
};

/** Stored data (any schema version) → the current version's shape; personal values still sealed. */
export const currentData = (type: string, schemaVersion: number, data: Json): Json => {
  const lifted = upcast(type, schemaVersion, data);
  if (lifted._tag === 'Left') throw new Error(lifted.left.message);
  return lifted.right;
};

/**
 * Every personal slot → `{ "$personal": "withheld" }`: the ciphertext stays in, and a slot that somehow holds
 * plaintext is withheld all the same (the slots are found by the event's shape, not only by the seal).
 */
export const withheldData = (type: string, data: Json): Json => {
  if (!PERSONAL_TYPES.has(type)) return holdsSealed(data) ? (withholdPersonal(data) as Json) : data;
  const marked = sealPersonal(type, data, () => WITHHELD as unknown as Sealed);
  return withholdPersonal(marked) as Json;
};

/** Personal values opened with the archive's key, or `{ "$redacted": "destroyed" }` when the key is gone. */
export const openedData = (data: Json, key: Uint8Array | undefined, archiveId: string): Json =>
  openPersonal(data, key ? openerFor(key, archiveId) : undefined);
