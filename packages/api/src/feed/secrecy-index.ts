import type { EventStore, RecordedEvent, SecrecyLevel } from '@dossier/core';

interface Known {
  /** The last revision of the archive's stream folded in (-1n: none). */
  revision: bigint;
  /** Each level the archive had, from the position where it took effect, in order. */
  readonly levels: { readonly position: bigint; readonly level: SecrecyLevel }[];
  /** Its place in the eviction ring. */
  slot: number;
}

const levelSetBy = (r: Pick<RecordedEvent, 'type' | 'data'>): SecrecyLevel | undefined => {
  const data = r.data as { secrecyLevel?: SecrecyLevel; to?: SecrecyLevel } | null;
  if (r.type === 'ArchiveCreated') return data?.secrecyLevel;
  if (r.type === 'SecrecyLevelChanged') return data?.to;
  return undefined;
};

/**
 * The secrecy level (密级) each archive had at each position of the log, for `dataclassification`: an event
 * is classified as its archive was when it was recorded, so that the same event always reads the same, in
 * every replay, redelivery and consumer.
 *
 * Events read in order are folded in as they pass (no extra read); a gap (a feed that starts mid-log or
 * filters by type) is filled once from the archive's own stream. Bounded: the oldest archives are dropped
 * first and read again when needed.
 */
export class SecrecyIndex {
  private readonly known = new Map<string, Known>();
  private readonly order: (string | undefined)[];
  private next = 0;

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly maxArchives = 200_000,
  ) {
    this.order = new Array<string | undefined>(maxArchives);
  }

  /** The level at the event, without reading the store; undefined when the archive's stream must be read first. */
  levelAtNow(r: RecordedEvent, archiveId: string): SecrecyLevel | undefined {
    let k = this.known.get(archiveId);
    if (!k) {
      if (r.revision !== 0n) return undefined;
      // the archive's first event: nothing before it to read
      k = { revision: -1n, levels: [], slot: -1 };
      this.remember(archiveId, k);
    }
    if (k.revision === r.revision - 1n) this.fold(k, r);
    if (k.revision < r.revision) return undefined;
    return this.lookup(k, r.position);
  }

  /** The level at the event (reads the archive's stream up to it when needed). */
  async levelAt(r: RecordedEvent, archiveId: string): Promise<SecrecyLevel | undefined> {
    const now = this.levelAtNow(r, archiveId);
    if (now !== undefined) return now;
    let k = this.known.get(archiveId);
    if (!k) {
      k = { revision: -1n, levels: [], slot: -1 };
      this.remember(archiveId, k);
    }
    if (k.revision < r.revision) {
      const missing = await this.store.readStream(r.streamId, {
        fromRevision: k.revision + 1n,
        toRevision: r.revision,
      });
      for (const e of missing) this.fold(k, e);
    }
    return this.lookup(k, r.position);
  }

  private fold(k: Known, r: Pick<RecordedEvent, 'type' | 'data' | 'revision' | 'position'>): void {
    if (r.revision !== k.revision + 1n) return;
    k.revision = r.revision;
    const level = levelSetBy(r);
    if (level) k.levels.push({ position: r.position, level });
  }

  private lookup(k: Known, position: bigint): SecrecyLevel | undefined {
    for (let i = k.levels.length - 1; i >= 0; i--)
      if (k.levels[i]!.position <= position) return k.levels[i]!.level;
    return undefined;
  }

  /** Oldest out first, through a ring of ids (cheaper than `keys().next()` on a map that keeps deleting). */
  private remember(archiveId: string, k: Known): void {
    const old = this.order[this.next];
    if (old !== undefined && this.known.get(old)?.slot === this.next) this.known.delete(old);
    this.order[this.next] = archiveId;
    k.slot = this.next;
    this.next = (this.next + 1) % this.maxArchives;
    this.known.set(archiveId, k);
  }
}
