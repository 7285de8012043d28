import type { Either } from 'fp-ts/Either';
import { left, right } from 'fp-ts/Either';
import { folder } from '../archive/evolve';
import type { ArchiveState } from '../archive/state';
import { initialState } from '../archive/state';
import { archiveStream } from '../events/read-events';
import type { DecodeError } from '../events/serialization';
import type { EventStore } from '../ports/event-store';
import type { KeyStore } from '../ports/key-store';
import { decodeRecorded } from './load';

/** Where a handled command's events sit in the stream (for answering a retry). */
export interface HandledCommand {
  /** Who issued it: a command id is answered again only to the same actor. */
  readonly actorId: string;
  readonly fromRevision: bigint;
  readonly toRevision: bigint;
  readonly position: bigint;
}

export interface CachedArchive {
  readonly state: ArchiveState;
  /** -1n when the stream does not exist. */
  readonly revision: bigint;
  /** Owned by the cache and only ever added to (a handled command stays handled). */
  readonly commands: Map<string, HandledCommand>;
  /** The data key, kept while the archive is open. */
  readonly key?: Uint8Array;
}

/**
 * The command handler's memory of recently used archives: state, revision and handled command ids.
 * Each load reads only the events after the cached revision, so the stream stays the truth (another process
 * may have appended) while a long stream is not decoded again for every command. Bounded (LRU).
 */
export const archiveCache = (store: EventStore, keys: KeyStore, capacity: number) => {
  const entries = new Map<string, CachedArchive>();

  const remember = (archiveId: string, entry: CachedArchive) => {
    const current = entries.get(archiveId);
    if (current && current.revision > entry.revision) return;
    entries.delete(archiveId);
    if (capacity <= 0) return;
    entries.set(archiveId, entry);
    if (entries.size > capacity) entries.delete(entries.keys().next().value!);
  };

  const load = async (archiveId: string): Promise<Either<DecodeError, CachedArchive>> => {
    const hit = entries.get(archiveId) ?? {
      state: initialState,
      revision: -1n,
      commands: new Map<string, HandledCommand>(),
    };
    const tail = await store.readStream(archiveStream(archiveId), { fromRevision: hit.revision + 1n });
    if (tail.length === 0) return right(hit);
    let key = hit.key ?? (hit.state.status === 'destroyed' ? undefined : await keys.get(archiveId));
    let state = hit.state;
    const commands = hit.commands;
    // only the last state is kept: one fold copies each part of it once (the cached state is not its own)
    const fold = folder();
    for (const r of tail) {
      const d = decodeRecorded(r, key, archiveId);
      if (d._tag === 'Left') return left(d.left);
      state = fold(state, d.right.event);
      const id = r.metadata.commandId;
      if (id) {
        const seen = commands.get(id);
        commands.set(id, {
          actorId: r.metadata.actor.id,
          fromRevision: seen?.fromRevision ?? r.revision,
          toRevision: r.revision,
          position: r.position,
        });
      }
    }
    if (state.status === 'destroyed') key = undefined;
    const entry: CachedArchive = {
      state,
      revision: tail.at(-1)!.revision,
      commands,
      ...(key ? { key } : {}),
    };
    remember(archiveId, entry);
    return right(entry);
  };

  return { load, remember, forget: (archiveId: string) => entries.delete(archiveId) };
};
