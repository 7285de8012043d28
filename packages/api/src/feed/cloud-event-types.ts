import type { EventType, SecrecyLevel } from '@dossier/core';
import { currentVersion, eventTypes, isEventType } from '@dossier/core';

/** The CloudEvents `source` of every archive event. */
export const FEED_SOURCE = '/dossier/archives';
export const TYPE_PREFIX = 'cn.dossier.archive.';

/** `TierChanged` → `tier-changed`. */
export const kebabOf = (type: string): string =>
  type
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();

const ceTypes = new Map<string, string>(
  eventTypes.map((t) => [t, `${TYPE_PREFIX}${kebabOf(t)}.v${currentVersion(t)}`]),
);
const schemaFiles = new Map<string, string>(
  eventTypes.map((t) => [t, `${kebabOf(t)}.v${currentVersion(t)}.json`]),
);

/** The CloudEvents type of a domain event at its current schema version: `cn.dossier.archive.tier-changed.v1`. */
export const cloudEventType = (type: EventType): string => ceTypes.get(type)!;

/** The file name of an event's data schema: `tier-changed.v1.json`. */
export const schemaFileOf = (type: EventType): string => schemaFiles.get(type)!;

const byCloudType = new Map<string, EventType>(eventTypes.map((t) => [cloudEventType(t), t]));
const bySchemaFile = new Map<string, EventType>(eventTypes.map((t) => [schemaFileOf(t), t]));

export const eventTypeOfSchemaFile = (file: string): EventType | undefined => bySchemaFile.get(file);

/** A filter entry: a domain type (`TierChanged`) or a CloudEvents type (`cn.dossier.archive.tier-changed.v1`). */
export const eventTypeOf = (name: string): EventType | undefined =>
  isEventType(name) ? name : byCloudType.get(name);

/**
 * CloudEvents data-classification extension (public / internal / confidential / restricted) from the
 * archive's 密级: internal 内部 → internal, confidential 秘密 → confidential, secret 机密 → restricted.
 */
export type DataClassification = 'internal' | 'confidential' | 'restricted';
export const classificationOf: Record<SecrecyLevel, DataClassification> = {
  internal: 'internal',
  confidential: 'confidential',
  secret: 'restricted',
};

/**
 * The `sequence` extension: the global position as a decimal string, zero-padded to 20 digits so that it
 * also orders lexicographically, as the extension asks (`BigInt(sequence)` reads it back).
 */
export const sequenceOf = (position: bigint): string => position.toString().padStart(20, '0');
