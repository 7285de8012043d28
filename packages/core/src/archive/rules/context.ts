import type * as t from 'io-ts';
import type { EventCodecs, EventType } from '../../events/archive-events';
import type { Either } from 'fp-ts/Either';
import type { ArchiveEvent } from '../../events/archive-events';
import type { Actor } from '../../events/values';
import type { PolicyConfig } from '../../policies/config';
import type { DecideError } from '../errors';
import type { ArchiveData } from '../state';

export type Decision = Either<DecideError, ArchiveEvent[]>;

/** A rule for one command on an open archive. */
export type Rule<C> = (command: C, archive: ArchiveData, config: PolicyConfig) => Decision;

export const staffOf = (a: Actor) => ({
  id: a.id,
  department: a.department,
  ...(a.name ? { name: a.name } : {}),
});

export const approverOf = (a: Actor) => ({ id: a.id, role: a.role, ...(a.name ? { name: a.name } : {}) });

/** Build one event, typed by its codec. */
export const event = <K extends EventType>(type: K, data: t.TypeOf<EventCodecs[K]>): ArchiveEvent =>
  ({ type, data }) as ArchiveEvent;
