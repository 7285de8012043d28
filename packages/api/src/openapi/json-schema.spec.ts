import * as t from 'io-ts';
import { Actor, IsoDateTime, Money, NonEmpty, Personal, commandCodecs, struct } from '@dossier/core';
import { SchemaRegistry } from './json-schema';

describe('io-ts → JSON Schema', () => {
  it('records: required and optional members, unknown members refused; named records become components', () => {
    const r = new SchemaRegistry();
    const Thing = struct(
      'Thing',
      { id: NonEmpty, at: IsoDateTime },
      { amount: Money, tags: t.array(t.string) },
    );
    expect(r.schema(Thing)).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(r.components.Thing).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 4000 },
        at: { type: 'string', format: 'date-time', example: expect.any(String) },
        amount: { $ref: '#/components/schemas/Money' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['id', 'at'],
      additionalProperties: false,
    });
    expect(r.components.Money).toMatchObject({
      required: ['minor', 'currency'],
      properties: { minor: { type: 'integer' }, currency: { enum: expect.arrayContaining(['CNY']) } },
    });
  });

  it('intersections of type/partial merge into one record; unions and literals keep their alternatives', () => {
    const r = new SchemaRegistry();
    expect(r.schema(Actor)).toEqual({ $ref: '#/components/schemas/Actor' });
    expect(r.components.Actor).toMatchObject({
      required: ['id', 'role', 'department'],
      properties: { name: { type: 'string' } },
    });
    expect(r.schema(Personal(t.string))).toMatchObject({
      oneOf: [{ type: 'string' }, { $ref: expect.any(String) }, { $ref: expect.any(String) }],
    });
    expect(r.schema(t.union([t.literal('a'), t.literal('b')]))).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it('every command codec converts without an unknown construct', () => {
    const r = new SchemaRegistry();
    for (const codec of Object.values(commandCodecs)) r.schema(codec as unknown as t.Mixed);
    expect(JSON.stringify(r.components)).not.toContain('no JSON Schema equivalent');
  });
});
