import type * as t from 'io-ts';
import { SchemaRegistry } from './json-schema';

/** The one registry every route's documentation draws from; its components go into /openapi.json. */
export const openApiSchemas = new SchemaRegistry();

export const schemaOf = (codec: t.Mixed) => openApiSchemas.schema(codec);
