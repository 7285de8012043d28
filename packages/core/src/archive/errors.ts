import type { Either } from 'fp-ts/Either';
import { left } from 'fp-ts/Either';
import type { ValidationError } from '../events/validation';

/** A rule of DOMAIN.md broken: `code` is stable for programs, `rule` names the section, `message` is for people. */
export interface DomainError {
  readonly _tag: 'DomainError';
  readonly code: string;
  readonly rule: string;
  readonly message: string;
}

/** The actor may not do this at all (DOMAIN.md §6): answered 403 at the API. */
export interface Forbidden {
  readonly _tag: 'Forbidden';
  readonly code: string;
  readonly rule: string;
  readonly message: string;
}

export type DecideError = DomainError | ValidationError | Forbidden;

export const domainError = (code: string, rule: string, message: string): DomainError => ({
  _tag: 'DomainError',
  code,
  rule,
  message,
});

export const reject = <A = never>(code: string, rule: string, message: string): Either<DecideError, A> =>
  left(domainError(code, rule, message));

export const forbid = <A = never>(code: string, rule: string, message: string): Either<DecideError, A> =>
  left({ _tag: 'Forbidden', code, rule, message });

export const invalid = <A = never>(path: string, rule: string): Either<DecideError, A> =>
  left({ _tag: 'ValidationError', message: `invalid command: ${path}: ${rule}`, errors: [{ path, rule }] });
