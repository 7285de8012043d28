import type { FieldError } from '@dossier/core';

/** An RFC 9457 problem detail as Dossier answers it. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** Stable machine code (`borrowing.approver-is-requester`, `access.needs_grant`, …). */
  readonly code?: string;
  /** The rule broken, by its section (DOMAIN.md §6, 004 §5.2.4, …). */
  readonly rule?: string;
  /** Every failing field of a bad input. */
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const typeUri = (slug: string) => `urn:dossier:problem:${slug}`;

/** Thrown anywhere in a request; the problem filter answers it as application/problem+json. */
export class Problem extends Error {
  constructor(
    readonly body: ProblemBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.detail);
  }
  get status(): number {
    return this.body.status;
  }
}

const make = (
  status: number,
  slug: string,
  title: string,
  detail: string,
  extra: Partial<ProblemBody> = {},
  headers: Record<string, string> = {},
) => new Problem({ type: typeUri(slug), title, status, detail, ...extra }, headers);

export const problems = {
  badRequest: (detail: string, errors?: readonly FieldError[]) =>
    make(400, 'validation', 'The request is invalid', detail, errors ? { errors } : {}),
  unauthorized: (detail: string) =>
    make(
      401,
      'unauthorized',
      'Authentication required',
      detail,
      {},
      {
        'www-authenticate': `Bearer error="invalid_token", error_description="${detail.replace(/"/g, "'")}"`,
      },
    ),
  forbidden: (detail: string, code: string, rule: string) =>
    make(403, 'forbidden', 'Forbidden by the access policy', detail, { code, rule }),
  notFound: (detail: string, code = 'not-found') => make(404, 'not-found', 'Not found', detail, { code }),
  conflict: (detail: string, code: string, rule: string) =>
    make(409, 'domain-rule', 'A domain rule forbids this', detail, { code, rule }),
  preconditionFailed: (detail: string, current: bigint) =>
    make(
      412,
      'stale-revision',
      'The archive has changed',
      detail,
      { code: 'revision.stale', currentRevision: current.toString() },
      { etag: `"${current}"` },
    ),
  tooLarge: (detail: string) => make(413, 'too-large', 'The request body is too large', detail),
  unsupportedMedia: (detail: string) => make(415, 'media-type', 'Unsupported media type', detail),
  unprocessable: (detail: string, code: string) =>
    make(422, 'unprocessable', 'The request cannot be processed', detail, { code }),
  notCaughtUp: (detail: string) =>
    make(
      503,
      'not-caught-up',
      'The read model has not caught up yet',
      detail,
      { code: 'read-model.lagging' },
      { 'retry-after': '1' },
    ),
  internal: (detail: string) => make(500, 'internal', 'Internal error', detail),
};
