import type { Either } from 'fp-ts/Either';
import { left, right } from 'fp-ts/Either';
import type { ArchiveEvent } from '../events/archive-events';
import { archiveStream } from '../events/read-events';
import type { DecodeError, DecodeOptions } from '../events/serialization';
import { decodeEvent } from '../events/serialization';
import type { EventStore, ProjectableEvent, ReadStreamOptions, RecordedEvent } from '../ports/event-store';
import type { KeyStore } from '../ports/key-store';
import { openPersonal, openerFor } from '../privacy/personal-fields';
import { folder } from '../archive/evolve';
import type { ArchiveState } from '../archive/state';
import { initialState } from '../archive/state';

/** A stored event with its decoded, decrypted (or redacted) domain event. */
export interface LoadedEvent {
  readonly recorded: RecordedEvent;
  readonly event: ArchiveEvent;
}

export interface LoadedArchive {
  readonly state: ArchiveState;
  /** -1n when the stream does not exist. */
  readonly revision: bigint;
  readonly events: readonly LoadedEvent[];
}

/**
 * Decode one recorded event: personal values opened with the key, marked destroyed without it, or left
 * sealed (`'sealed'`: what read models store, so that nothing personal is at rest in plaintext).
 */
export const decodeRecorded = <R extends ProjectableEvent = RecordedEvent>(
  recorded: R,
  key: Uint8Array | undefined | 'sealed',
  archiveId: string,
  options: DecodeOptions = {},
): Either<DecodeError, { readonly recorded: R; readonly event: ArchiveEvent }> => {
  let data;
  try {
    data =
      key === 'sealed'
        ? recorded.data
        : openPersonal(recorded.data, key ? openerFor(key, archiveId) : undefined);
  } catch (e) {
    return left({
      _tag: 'DecodeError',
      message: `${recorded.streamId}@${recorded.revision} (position ${recorded.position}): personal data does not decrypt: ${(e as Error).message}`,
    });
  }
  const decoded = decodeEvent({ type: recorded.type, schemaVersion: recorded.schemaVersion, data }, options);
  if (decoded._tag === 'Left')
    return left({
      _tag: 'DecodeError',
      message: `${recorded.streamId}@${recorded.revision} (position ${recorded.position}): ${decoded.left.message}`,
    });
  return right({ recorded, event: decoded.right });
};

/** Load an archive's state by replaying its stream (optionally only up to a revision or a time: as-of). */
export const loadArchive = async (
  store: EventStore,
  keys: KeyStore,
  archiveId: string,
  options?: ReadStreamOptions,
): Promise<Either<DecodeError, LoadedArchive>> => {
  const recorded = await store.readStream(archiveStream(archiveId), options);
  const key = recorded.length > 0 ? await keys.get(archiveId) : undefined;
  let state: ArchiveState = initialState;
  const events: LoadedEvent[] = [];
  // only the last state is kept: one fold copies each part of it once (see `folder`)
  const fold = folder();
  for (const r of recorded) {
    // as-of by time: the state is a prefix of the stream, so stop at the first event recorded after `until`
    // (clocks of different writers need not agree, so a later revision may carry an earlier time)
    if (r.revision !== (options?.fromRevision ?? 0n) + BigInt(events.length)) break;
    const d = decodeRecorded(r, key, archiveId);
    if (d._tag === 'Left') return d;
    events.push(d.right);
    state = fold(state, d.right.event);
  }
  return right({ state, revision: recorded.at(-1)?.revision ?? -1n, events });
};
