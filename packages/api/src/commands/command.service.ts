import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor, CommandResult, FieldError, HandlerError } from '@dossier/core';
import { deterministicEventId } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import type { Problem } from '../http/problem';
import { problems } from '../http/problem';
import type { CommandRoute } from './command-bodies';
import { SERVER_FIELDS, firstEventOf } from './command-bodies';

export interface CommandRequest {
  readonly archiveId?: string;
  readonly actor: Actor;
  readonly body: unknown;
  readonly idempotencyKey?: string;
  readonly ifMatch?: string;
  readonly correlationId?: string;
  /** The id the path names (`bid`, `did`, `xid`), for routes with `fromPath`. */
  readonly pathId?: string;
}

export interface CommandOutcome {
  readonly result: CommandResult;
  /** The id of what was created or addressed (borrowing, disclosure, …), if the route has one. */
  readonly id?: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** `If-Match: 3`, `"3"` or `W/"3"` → 3n. */
export const parseIfMatch = (header: string | undefined): bigint | undefined => {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(-1|\d{1,19})"?\s*$/.exec(header);
  if (!m)
    throw problems.badRequest('If-Match must be the revision the client saw, e.g. If-Match: "3"', [
      { path: 'header:If-Match', rule: 'must be a revision (a non-negative integer)' },
    ]);
  return BigInt(m[1]!);
};

/** A handler error as the problem the API answers (nothing was appended for any of them). */
export const problemOf = (error: HandlerError, ifMatch: bigint | undefined): Problem => {
  switch (error._tag) {
    case 'ValidationError':
      return problems.badRequest(error.message, error.errors);
    case 'Forbidden':
      return problems.forbidden(error.message, error.code, error.rule);
    case 'DomainError':
      if (error.code === 'archive.not-found') return problems.notFound(error.message, error.code);
      return problems.conflict(error.message, error.code, error.rule);
    case 'ConcurrencyConflict':
      if (ifMatch !== undefined)
        return problems.preconditionFailed(
          `If-Match: the archive is at revision ${error.actual}, not ${ifMatch}; reload it and decide again`,
          error.actual,
        );
      return problems.conflict(
        'the archive kept changing under this command; retry it (with the same Idempotency-Key)',
        'concurrency.retries-exhausted',
        'ARCHITECTURE.md (append with expected revision)',
      );
    case 'DecodeError':
      return problems.internal(`the archive's stored events cannot be read: ${error.message}`);
  }
};

/**
 * HTTP → command → the core's command handler. The body is validated by the core's io-ts codec of the
 * command (every failing path named, unknown members refused); the request supplies the command id
 * (Idempotency-Key, scoped to the caller), the archive id and the actor. Nothing is appended on any 4xx.
 */
@Injectable()
export class CommandService {
  constructor(@Inject(DOSSIER) private readonly dossier: Dossier) {}

  async execute(route: CommandRoute, request: CommandRequest): Promise<CommandOutcome> {
    const { body, actor } = request;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw problems.badRequest('the body must be a JSON object', [
        { path: '(root)', rule: 'must be an object' },
      ]);
    const input = body as Record<string, unknown>;
    const refused: FieldError[] = Object.keys(input)
      .filter((k) => (SERVER_FIELDS as readonly string[]).includes(k) || k === route.fromPath)
      .map((path) => ({ path, rule: 'unknown field' }));
    const key = request.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      refused.push({ path: 'header:Idempotency-Key', rule: 'must be 1–200 visible ASCII characters' });
    if (refused.length > 0)
      throw problems.badRequest(
        'invalid command: ' + refused.map((f) => `${f.path}: ${f.rule}`).join('; '),
        refused,
      );
    const expectedRevision = parseIfMatch(request.ifMatch);
    // the key is scoped to the caller: another user's key never answers their result
    const commandId = key !== undefined ? `${actor.id}:${key}` : randomUUID();
    const archiveId = request.archiveId ?? deterministicEventId('archive', commandId);
    const generated =
      route.generated && input[route.generated] === undefined
        ? { [route.generated]: deterministicEventId(route.generated, commandId) }
        : {};
    const fixed = route.fromPath ? { [route.fromPath]: request.pathId } : {};
    const command = { ...input, ...generated, ...fixed, type: route.type, commandId, archiveId, actor };
    const res = await this.dossier.handler.execute(command, {
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
      ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    });
    if (res._tag === 'Left') throw problemOf(res.left, expectedRevision);
    const result = res.right;
    const expected = firstEventOf[route.type];
    if (result.replayed && expected && result.events[0] && result.events[0].type !== expected)
      throw problems.unprocessable(
        `Idempotency-Key ${key} was used for another request (${result.events[0].type}); use a new key`,
        'idempotency.key-reused',
      );
    const idField = route.generated ?? route.fromPath;
    const id = idField ? (command as Record<string, unknown>)[idField] : undefined;
    return { result, ...(typeof id === 'string' ? { id } : {}) };
  }
}
