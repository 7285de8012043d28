import type { Json, KeyStore, Sealed } from '@dossier/core';
import { REDACTED, isSealed, openerFor } from '@dossier/core';

/** A personal value that is not opened for this reader: the same marker as the API's history and as-of. */
export const WITHHELD = Object.freeze({ $personal: 'withheld' as const });

/** Open personal values where the operator's key allows (`open`), or withhold them all (`withhold`). */
export type PersonalMode = 'open' | 'withhold';

type Access =
  | { readonly kind: 'open'; readonly open: (s: Sealed) => Json }
  | { readonly kind: 'destroyed' }
  | { readonly kind: 'withheld' };

export interface PersonalCounts {
  opened: number;
  withheld: number;
  destroyed: number;
}

export interface PersonalValues {
  /** `value` with every sealed personal value of archive `archiveId` opened, withheld or marked destroyed. */
  resolve(value: unknown, archiveId: string | undefined): Promise<unknown>;
  readonly counts: Readonly<PersonalCounts>;
}

const holdsSealed = (v: unknown): boolean => {
  if (isSealed(v)) return true;
  if (Array.isArray(v)) return v.some(holdsSealed);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(holdsSealed);
  return false;
};

/**
 * Personal values as the operator may see them: opened with the archive's data key, which the KeyStore unwraps
 * with the operator's master key; `{ $redacted: 'destroyed' }` once the archive's key was destroyed (销毁);
 * `{ $personal: 'withheld' }` when the key does not open them (no master key, another deployment's, or
 * `withhold` asked for). Keys are looked up once per archive (a bounded cache).
 */
export const personalValues = (keys: KeyStore, mode: PersonalMode, cacheSize = 10_000): PersonalValues => {
  const cache = new Map<string, Promise<Access>>();
  const counts: PersonalCounts = { opened: 0, withheld: 0, destroyed: 0 };

  const lookUp = async (archiveId: string): Promise<Access> => {
    if (await keys.isDestroyed(archiveId)) return { kind: 'destroyed' };
    if (mode === 'withhold') return { kind: 'withheld' };
    try {
      const key = await keys.get(archiveId);
      return key ? { kind: 'open', open: openerFor(key, archiveId) } : { kind: 'withheld' };
    } catch {
      return { kind: 'withheld' }; // the master key does not unwrap this archive's key
    }
  };

  const accessTo = (archiveId: string): Promise<Access> => {
    let found = cache.get(archiveId);
    if (!found) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      found = lookUp(archiveId);
      cache.set(archiveId, found);
    }
    return found;
  };

  const replace = (v: unknown, access: Access): unknown => {
    if (isSealed(v)) {
      if (access.kind === 'destroyed') {
        counts.destroyed += 1;
        return REDACTED;
      }
      if (access.kind === 'open')
        try {
          const plain = access.open(v);
          counts.opened += 1;
          return plain;
        } catch {
          /* a value this key does not open */
        }
      counts.withheld += 1;
      return WITHHELD;
    }
    if (Array.isArray(v)) return v.map((x) => replace(x, access));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = replace(x, access);
      return out;
    }
    return v;
  };

  return {
    async resolve(value, archiveId) {
      if (!holdsSealed(value)) return value;
      const access: Access = archiveId ? await accessTo(archiveId) : { kind: 'withheld' };
      return replace(value, access);
    },
    counts,
  };
};
