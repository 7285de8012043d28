import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dossier/core';
import type { CommandRoute } from './command-bodies';
import type { CommandResultBody } from './command-result';
import { commandResultBody } from './command-result';
import type { CommandService } from './command.service';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** Run a command for an HTTP request and answer with its result, the new revision as ETag. */
export const runCommand = async (
  service: CommandService,
  route: CommandRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  target: { archiveId?: string; pathId?: string },
): Promise<CommandResultBody> => {
  const { result, id } = await service.execute(route, {
    ...target,
    actor,
    body: request.body ?? {},
    idempotencyKey: header(request, 'idempotency-key'),
    ifMatch: header(request, 'if-match'),
    correlationId: header(request, 'x-correlation-id'),
  });
  void reply.header('etag', `"${result.revision}"`);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  return commandResultBody(result, id);
};
