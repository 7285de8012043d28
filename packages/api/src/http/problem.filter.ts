import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemBody } from './problem';
import { PROBLEM_CONTENT_TYPE, Problem, problems } from './problem';

/** Errors Fastify raises before a handler runs (body parsing and limits), as problems. */
export const fastifyProblem = (error: { statusCode?: number; code?: string; message?: string }): Problem => {
  const message = error.message ?? 'bad request';
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.tooLarge(message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.unsupportedMedia(`${message}: send application/json`);
    default:
      break;
  }
  if (error.statusCode === 413) return problems.tooLarge(message);
  if (error.statusCode === 415) return problems.unsupportedMedia(message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return problems.badRequest(`the request could not be read: ${message}`, [
      { path: '(root)', rule: message },
    ]);
  return problems.internal('an unexpected error occurred; it has been logged');
};

export const toProblem = (error: unknown): Problem => {
  if (error instanceof Problem) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return problems.notFound(error.message, 'route.not-found');
    const inner = error.getResponse();
    const message = typeof inner === 'string' ? inner : error.message;
    return fastifyProblem({ statusCode: status, message });
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === 'number' || (typeof e?.code === 'string' && e.code.startsWith('FST_')))
    return fastifyProblem(e);
  return problems.internal('an unexpected error occurred; it has been logged');
};

export const sendProblem = (reply: FastifyReply, request: FastifyRequest, problem: Problem): void => {
  const body: ProblemBody = { ...problem.body, instance: problem.body.instance ?? request.url };
  void reply.status(body.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(body);
};

/** RFC 9457 everywhere: every error a route throws leaves as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const problem = toProblem(error);
    if (problem.status >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendProblem(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), problem);
  }
}
