import type { ArchiveState, RecordedEvent } from '@dossier/core';
import { decodeRecorded, evolve, initialState } from '@dossier/core';
import { CommandError } from '../cli/errors';
import type { FieldDiff } from './field-diffs';
import { diffFields } from './field-diffs';

/** Up to when: a recorded time, a revision, or (neither) everything. */
export interface ReplayBound {
  readonly at?: string;
  readonly revision?: bigint;
}

export interface ReplayStep {
  readonly recorded: RecordedEvent;
  /** The archive's fields this event changed (personal values still sealed). */
  readonly diffs: readonly FieldDiff[];
}

export interface ArchiveReplay {
  readonly archiveId: string;
  readonly bound: ReplayBound;
  readonly steps: readonly ReplayStep[];
  /** The state at the bound, personal values still sealed. */
  readonly state: ArchiveState;
  readonly last: RecordedEvent;
  readonly current: RecordedEvent;
}

/**
 * Replay an archive's stream up to the bound, the way the API's as-of does (GET /archives/{id}/as-of): every
 * event recorded at or before `at` (or at or below `revision`) is folded in, in stream order, personal values
 * left sealed; and for each, the fields it changed.
 */
export const replayArchive = (
  archiveId: string,
  recorded: readonly RecordedEvent[],
  bound: ReplayBound,
): ArchiveReplay => {
  const current = recorded.at(-1);
  if (!current) throw new CommandError(`archive ${archiveId} does not exist`);
  let state: ArchiveState = initialState;
  let last: RecordedEvent | undefined;
  const steps: ReplayStep[] = [];
  for (const r of recorded) {
    const included =
      bound.revision !== undefined
        ? r.revision <= bound.revision
        : bound.at !== undefined
          ? r.recordedAt <= bound.at
          : true;
    if (!included) continue;
    const decoded = decodeRecorded(r, 'sealed', archiveId);
    if (decoded._tag === 'Left') throw new CommandError(decoded.left.message);
    const next = evolve(state, decoded.right.event);
    steps.push({ recorded: r, diffs: diffFields(state, next) });
    state = next;
    last = r;
  }
  if (!last)
    throw new CommandError(
      `archive ${archiveId} did not exist ${bound.at !== undefined ? `at ${bound.at}` : `at revision ${bound.revision}`} (its first event was recorded ${recorded[0]!.recordedAt})`,
    );
  return { archiveId, bound, steps, state, last, current };
};
