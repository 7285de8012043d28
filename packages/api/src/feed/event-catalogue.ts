import * as t from 'io-ts';
import type { EventType } from '@dossier/core';
import { eventCodecs, eventTypes } from '@dossier/core';
import type { JsonSchema } from '../openapi/json-schema';
import { SchemaRegistry } from '../openapi/json-schema';

const COMPONENTS = '#/components/schemas/';

/** The markers the feed puts in a personal slot instead of the ciphertext. */
const markers: Record<string, JsonSchema> = {
  PersonalWithheld: {
    type: 'object',
    description: 'A personal value the subscription’s scope does not open (no personal:read)',
    properties: { $personal: { type: 'string', enum: ['withheld'] } },
    required: ['$personal'],
    additionalProperties: false,
  },
  PersonalDestroyed: {
    type: 'object',
    description: 'A personal value whose archive was destroyed (DOMAIN.md §7): gone for good',
    properties: { $redacted: { type: 'string', enum: ['destroyed'] } },
    required: ['$redacted'],
    additionalProperties: false,
  },
};

/**
 * The converter of the OpenAPI document, with one difference: a personal slot (`Personal<…>`) is the value,
 * withheld, or destroyed — never the stored ciphertext, which the feed never sends.
 */
class FeedSchemaRegistry extends SchemaRegistry {
  override schema(codec: t.Mixed): JsonSchema {
    if (codec instanceof t.UnionType && codec.name.startsWith('Personal<')) {
      const [value] = codec.types as t.Mixed[];
      return {
        description: `personal information (${codec.name})`,
        oneOf: [
          super.schema(value!),
          { $ref: `${COMPONENTS}PersonalWithheld` },
          { $ref: `${COMPONENTS}PersonalDestroyed` },
        ],
      };
    }
    return super.schema(codec);
  }
}

/** OpenAPI 3.0 dialect → JSON Schema draft-07 (what AsyncAPI 3 schemas are): `example`, `nullable`. */
const toDraft07 = (s: unknown): unknown => {
  if (Array.isArray(s)) return s.map(toDraft07);
  if (typeof s !== 'object' || s === null) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'nullable') continue;
    if (k === 'example') out.examples = [v];
    else out[k] = toDraft07(v);
  }
  return out;
};

const refsIn = (s: unknown, found: Set<string>): Set<string> => {
  if (Array.isArray(s)) s.forEach((v) => refsIn(v, found));
  else if (typeof s === 'object' && s !== null)
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENTS))
        found.add(v.slice(COMPONENTS.length));
      else refsIn(v, found);
    }
  return found;
};

const rewriteRefs = (s: unknown, to: string): unknown => {
  if (Array.isArray(s)) return s.map((v) => rewriteRefs(v, to));
  if (typeof s !== 'object' || s === null) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s))
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENTS)
        ? to + v.slice(COMPONENTS.length)
        : rewriteRefs(v, to);
  return out;
};

export interface EventCatalogue {
  /** Every schema, by component name (draft-07, `$ref`s to `#/components/schemas/…`). */
  readonly components: Readonly<Record<string, JsonSchema>>;
  /** The component holding each event type's data. */
  readonly dataComponent: Readonly<Record<EventType, string>>;
  /** One event type's data schema on its own (refs resolved into `definitions`), at `id`. */
  standalone(type: EventType, id: string): JsonSchema;
}

const build = (): EventCatalogue => {
  const registry = new FeedSchemaRegistry();
  const dataComponent = {} as Record<EventType, string>;
  for (const type of eventTypes) {
    const ref = registry.schema(eventCodecs[type] as unknown as t.Mixed).$ref;
    if (typeof ref !== 'string') throw new Error(`${type}: its codec is not a named record`);
    dataComponent[type] = ref.slice(COMPONENTS.length);
  }
  const components: Record<string, JsonSchema> = { ...markers };
  for (const [name, schema] of Object.entries(registry.components))
    components[name] = toDraft07(schema) as JsonSchema;
  const closure = (root: string): string[] => {
    const seen = new Set<string>([root]);
    const queue = [root];
    while (queue.length)
      for (const r of refsIn(components[queue.shift()!], new Set()))
        if (!seen.has(r)) {
          seen.add(r);
          queue.push(r);
        }
    seen.delete(root);
    return [...seen].sort();
  };
  return {
    components,
    dataComponent,
    standalone(type, id) {
      const root = dataComponent[type];
      const definitions = Object.fromEntries(
        closure(root).map((name) => [name, rewriteRefs(components[name], '#/definitions/')]),
      );
      return {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: id,
        title: `${type} (data of the CloudEvent)`,
        ...(rewriteRefs(components[root], '#/definitions/') as JsonSchema),
        ...(Object.keys(definitions).length ? { definitions } : {}),
      };
    },
  };
};

let catalogue: EventCatalogue | undefined;

/** The schemas of every event's data, generated once from the core's codecs. */
export const eventCatalogue = (): EventCatalogue => (catalogue ??= build());
