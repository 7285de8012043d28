import type { Either } from 'fp-ts/Either';
import { left, right } from 'fp-ts/Either';
import type { Json } from '../ports/event-store';
import type { EventType } from './archive-events';

type JsonObject = { readonly [key: string]: Json };
/** One step: data at version n in, data at version n + 1 out. Pure, total on what version n allowed. */
export type Upcaster = (data: JsonObject) => JsonObject;

/**
 * Upcasters chained version by version: `chains[type][n]` lifts version n to n + 1.
 * Stored events are never rewritten; they are lifted on every read.
 */
export const upcasterChains: Readonly<Partial<Record<EventType, Readonly<Record<number, Upcaster>>>>> = {
  TransactionRecorded: {
    // v1 kept the amount as a decimal number of yuan and used short names (`time`, `breach`);
    // v2 keeps money as integer minor units with a currency (DOMAIN.md §1) and names fields as they read.
    1: ({ amountYuan, time, breach, ...rest }) => ({
      ...rest,
      at: time ?? null,
      amount: { minor: Math.round(Number(amountYuan) * 100), currency: 'CNY' },
      breachOfContract: breach ?? false,
    }),
    // v3 renamed `inCharge` to `personInCharge` (负责人).
    2: ({ inCharge, ...rest }) => ({ ...rest, personInCharge: inCharge ?? null }),
  },
};

/** The current schema version of each event type that has upcasters (every other type is at 1). */
const currentVersions = new Map(
  Object.entries(upcasterChains).map(([type, chain]) => [
    type,
    Math.max(...Object.keys(chain).map(Number)) + 1,
  ]),
);

/** The schema version events of this type are written in (asked for every event read: a lookup). */
export const currentVersion = (type: string): number => currentVersions.get(type) ?? 1;

export interface UpcastError {
  readonly _tag: 'UpcastError';
  readonly message: string;
}

/** Lift stored data from its schema version to the current one. */
export const upcast = (type: string, version: number, data: Json): Either<UpcastError, Json> => {
  const target = currentVersion(type);
  if (!Number.isInteger(version) || version < 1)
    return left({ _tag: 'UpcastError', message: `${type}: schema version ${version} is not a version` });
  if (version > target)
    return left({
      _tag: 'UpcastError',
      message: `${type}: schema version ${version} was written by a newer Dossier (this one knows up to ${target})`,
    });
  let out = data;
  for (let v = version; v < target; v++) {
    const step = upcasterChains[type as EventType]?.[v];
    if (!step || typeof out !== 'object' || out === null || Array.isArray(out))
      return left({ _tag: 'UpcastError', message: `${type}: no upcaster from version ${v}` });
    out = step(out as JsonObject);
  }
  return right(out);
};
