import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ProblemDocument } from '../http/problem-schema';
import { openApiSchemas, schemaOf } from '../openapi/schemas';
import type { CommandRoute } from './command-bodies';
import { bodyMembers } from './command-bodies';
import { CommandResultBody } from './command-result';

const problem = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/problem+json': { schema: schemaOf(ProblemDocument) } },
  });

/** OpenAPI for a command route, from the command's io-ts codec (the same one that validates the body). */
export const CommandDoc = (route: CommandRoute, summary: string, created = false) => {
  const body = openApiSchemas.object(
    bodyMembers(route),
    `${route.type}: the core's command codec less type, commandId, archiveId, actor and issuedAt` +
      (route.generated ? `; ${route.generated} is generated when absent` : ''),
  );
  return applyDecorators(
    ApiOperation({ summary, operationId: route.type }),
    ApiBody({ schema: body, required: false }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Makes a retried request safe: the same key answers the first result and appends nothing.',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The revision the client saw; 412 when the archive has moved on.',
    }),
    ApiResponse({
      status: created ? 201 : 200,
      description: 'Applied: archive id, new revision, global position.',
      schema: schemaOf(CommandResultBody),
    }),
    problem(400, 'The body is invalid: every failing field path is named; unknown fields are refused.'),
    problem(401, 'No or bad bearer token.'),
    problem(403, 'The access policy (DOMAIN.md §6) forbids it: the rule is named.'),
    problem(404, 'No such archive (or borrowing, disclosure, destruction).'),
    problem(409, 'A domain rule forbids it: the rule is named.'),
    problem(412, 'If-Match is stale.'),
    problem(413, 'The body is too large.'),
  );
};
