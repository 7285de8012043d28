import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type * as t from 'io-ts';
import { ProblemDocument } from '../http/problem-schema';
import { membersOf } from '../openapi/json-schema';
import { schemaOf } from '../openapi/schemas';

const problem = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: schemaOf(ProblemDocument) } },
  });

/** OpenAPI for a query route: its parameters from the same codec that validates the query string. */
export const QueryDoc = (summary: string, query: t.Mixed | undefined, operationId: string) => {
  const members = query ? membersOf(query) : undefined;
  const params = members
    ? Object.entries({ ...members.required, ...members.optional }).map(([name, codec]) =>
        ApiQuery({ name, required: name in members.required, schema: schemaOf(codec) as never }),
      )
    : [];
  return applyDecorators(
    ApiOperation({ summary, operationId }),
    ...params,
    problem(400, 'A query parameter is invalid (each one named).'),
    problem(401, 'No or bad bearer token.'),
    problem(403, 'The access policy (DOMAIN.md §6) forbids it: the rule is named.'),
    problem(503, '`?after=` waited in vain for the read models to reach the position.'),
  );
};
