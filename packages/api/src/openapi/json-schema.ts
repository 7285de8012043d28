import * as t from 'io-ts';

/** A JSON Schema (OpenAPI 3.0 dialect) as this converter produces it. */
export type JsonSchema = { readonly [key: string]: unknown };

/** What a refinement or brand means, by its io-ts name: the constraints the predicate checks. */
const brands: Record<string, JsonSchema> = {
  IsoDateTime: { type: 'string', format: 'date-time', example: '2026-03-01T08:00:00.000Z' },
  IsoDate: { type: 'string', format: 'date', example: '2026-03-01' },
  NonEmpty: { type: 'string', minLength: 1, maxLength: 4000 },
  MinorUnits: { type: 'integer', description: 'integer minor units (fen for CNY)' },
};

interface Members {
  readonly required: t.Props;
  readonly optional: t.Props;
}

/** The members of a record codec: the core's `struct`, io-ts `type` / `partial` / `exact`, or their intersection. */
export const membersOf = (codec: t.Mixed): Members | undefined => {
  const c = codec as t.Mixed & { required?: t.Props; optional?: t.Props; _tag?: string };
  if (c.required && c.optional) return { required: c.required, optional: c.optional };
  if (c instanceof t.InterfaceType) return { required: c.props as t.Props, optional: {} };
  if (c instanceof t.PartialType) return { required: {}, optional: c.props as t.Props };
  if (c instanceof t.ExactType) return membersOf(c.type as t.Mixed);
  if (c instanceof t.IntersectionType) {
    const parts = (c.types as t.Mixed[]).map(membersOf);
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.reduce<Members>(
      (acc, p) => ({
        required: { ...acc.required, ...p!.required },
        optional: { ...acc.optional, ...p!.optional },
      }),
      { required: {}, optional: {} },
    );
  }
  return undefined;
};

const isComponentName = (name: string) => /^[A-Z][A-Za-z0-9]*$/.test(name) && !(name in brands);

/**
 * io-ts → JSON Schema, so that the OpenAPI document is derived from the very codecs that validate requests
 * (no schema written twice). Named record codecs become components referenced by `$ref`; records refuse
 * members they do not name (`additionalProperties: false`) exactly as the core's `struct` does.
 */
export class SchemaRegistry {
  readonly components: Record<string, JsonSchema> = {};
  private readonly seen = new Map<t.Mixed, string>();

  /** The schema of a codec; records with a component name are registered once and referenced. */
  schema(codec: t.Mixed): JsonSchema {
    const members = membersOf(codec);
    if (members && isComponentName(codec.name)) return this.component(codec, members);
    return this.inline(codec);
  }

  /** A record schema from members (for bodies assembled from a command's members). */
  object(members: Members, description?: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [k, c] of Object.entries(members.required)) properties[k] = this.schema(c);
    for (const [k, c] of Object.entries(members.optional)) properties[k] = this.schema(c);
    const required = Object.keys(members.required);
    return {
      type: 'object',
      ...(description ? { description } : {}),
      properties,
      ...(required.length ? { required } : {}),
      additionalProperties: false,
    };
  }

  private component(codec: t.Mixed, members: Members): JsonSchema {
    let name = this.seen.get(codec);
    if (!name) {
      // two different codecs with one name (a record and its patch, say): number the later one
      name = codec.name;
      for (let i = 2; this.components[name]; i++) name = `${codec.name}${i}`;
      this.seen.set(codec, name);
      this.components[name] = {};
      this.components[name] = this.object(members);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private inline(codec: t.Mixed): JsonSchema {
    if (brands[codec.name]) return brands[codec.name]!;
    const members = membersOf(codec);
    if (members) return this.object(members);
    if (codec instanceof t.StringType) return { type: 'string' };
    if (codec instanceof t.NumberType) return { type: 'number' };
    if (codec instanceof t.BooleanType) return { type: 'boolean' };
    if (codec instanceof t.NullType) return { nullable: true, enum: [null] };
    if (codec instanceof t.UnknownType || codec instanceof t.AnyType) return {};
    if (codec instanceof t.NeverType) return { not: {} };
    if (codec instanceof t.LiteralType) {
      const v = codec.value as string | number | boolean;
      return { type: typeof v, enum: [v] };
    }
    if (codec instanceof t.KeyofType) return { type: 'string', enum: Object.keys(codec.keys as object) };
    if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType)
      return { type: 'array', items: this.schema(codec.type as t.Mixed) };
    if (codec instanceof t.UnionType) {
      const members = (codec.types as t.Mixed[]).map((m) => this.schema(m));
      const literals = (codec.types as t.Mixed[]).every((m) => m instanceof t.LiteralType);
      if (literals)
        return { enum: (codec.types as t.LiteralType<string>[]).map((m) => m.value), type: 'string' };
      return { oneOf: members, description: codec.name };
    }
    if (codec instanceof t.IntersectionType)
      return { allOf: (codec.types as t.Mixed[]).map((m) => this.schema(m)) };
    if (codec instanceof t.RefinementType) return this.schema(codec.type as t.Mixed);
    if (codec instanceof t.DictionaryType)
      return { type: 'object', additionalProperties: this.schema(codec.codomain as t.Mixed) };
    return { description: `${codec.name} (no JSON Schema equivalent)` };
  }
}
