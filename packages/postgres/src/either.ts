import type { AppendResult, ConcurrencyConflict, EventStore } from '@dossier/core';

/*
 * The port answers fp-ts `Either` values. fp-ts is a dependency of the core, not of this package, so the two
 * constructors are spelled out here on fp-ts's public representation, and type-checked against it through
 * the port's own type.
 */
export type AppendEither = Awaited<ReturnType<EventStore['append']>>;

export const appendLeft = (c: ConcurrencyConflict): AppendEither => ({ _tag: 'Left', left: c });

export const appendRight = (r: AppendResult): AppendEither => ({ _tag: 'Right', right: r });
