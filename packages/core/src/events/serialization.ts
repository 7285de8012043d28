import type { Either } from 'fp-ts/Either';
import { chain, left, map, mapLeft, right } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { pipe } from 'fp-ts/function';
import type { Json } from '../ports/event-store';
import { toJson } from '../integrity/canonical-json';
import type { ArchiveEvent } from './archive-events';
import { eventCodecs, eventTypeOf } from './archive-events';
import { currentVersion, upcast } from './upcasters';
import { toValidationError } from './validation';

export interface DecodeError {
  readonly _tag: 'DecodeError';
  readonly message: string;
}

/** The stored form of a domain event at the current schema version. */
export const encodeEvent = (event: ArchiveEvent): { type: string; schemaVersion: number; data: Json } => ({
  type: event.type,
  schemaVersion: currentVersion(event.type),
  data: toJson((eventCodecs[event.type] as { encode(a: unknown): unknown }).encode(event.data)),
});

export interface DecodeOptions {
  /**
   * Check the data against its codec (default). Readers of a log whose events were all validated when they
   * were decided (read-model rebuilds) may skip it: the upcaster chain still runs.
   */
  readonly validate?: boolean;
}

/** Stored form (any known version) → current domain event, through the upcaster chain and the codec. */
export const decodeEvent = (
  stored: { type: string; schemaVersion: number; data: Json },
  options: DecodeOptions = {},
): Either<DecodeError, ArchiveEvent> => {
  const type = eventTypeOf(stored.type);
  if (type === undefined) return left({ _tag: 'DecodeError', message: `unknown event type ${stored.type}` });
  // unchecked and already at the current version (nearly every event a rebuild reads): nothing to lift
  if (options.validate === false && stored.schemaVersion === currentVersion(type))
    return right({ type, data: stored.data } as ArchiveEvent);
  const lifted = pipe(
    upcast(type, stored.schemaVersion, stored.data),
    mapLeft((e): DecodeError => ({ _tag: 'DecodeError', message: e.message })),
  );
  if (options.validate === false)
    return pipe(
      lifted,
      map((data) => ({ type, data }) as ArchiveEvent),
    );
  return pipe(
    lifted,
    chain((data) =>
      pipe(
        (eventCodecs[type] as t.Mixed).decode(data),
        mapLeft((errs): DecodeError => ({
          _tag: 'DecodeError',
          message: toValidationError(errs, type).message,
        })),
      ),
    ),
    map((data) => ({ type, data }) as ArchiveEvent),
  );
};
