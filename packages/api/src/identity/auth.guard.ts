import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@dossier/core';
import { problems } from '../http/problem';
import { InvalidToken } from './jwt';
import type { TokenVerifier } from './jwt';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
const PUBLIC = 'dossier:public';

/** A route anyone may call (health). */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/** No token or a bad one → 401 problem; a valid one puts the actor on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verify: TokenVerifier,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw problems.unauthorized('no bearer token: send Authorization: Bearer <JWT>');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw problems.unauthorized('the Authorization header must be "Bearer <JWT>"');
    try {
      request.actor = await this.verify(match[1]!);
    } catch (e) {
      if (e instanceof InvalidToken) throw problems.unauthorized(e.message);
      throw e;
    }
    return true;
  }
}

/** The authenticated actor (id, role, department, name) of the request. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw problems.unauthorized('not authenticated');
  return actor;
});
