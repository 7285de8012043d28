import type { EventMetadata, Json, ProjectableEvent } from './event-store';

/**
 * Thrown when a read model reads the metadata of an event whose type it did not ask the store for (see
 * `ReadByStreamOptions.metadataOf`): the store left it unread. The runner stops that read model at the event,
 * naming it; declare the type in the read model's `readsMetadataOf`.
 */
export class MetadataNotRead extends Error {
  constructor(
    readonly position: bigint,
    readonly type: string,
  ) {
    super(
      `the metadata of the event at position ${position} (${type}) was not read: a read model that reads it must name ${type} in readsMetadataOf`,
    );
    this.name = 'MetadataNotRead';
  }
}

/**
 * An event as a rebuild reads it (`readByStream`), whose metadata an adapter hands over as its stored JSON text,
 * parsed when first read, once, or not at all when the reader asked only for other types' metadata
 * (`metadataText` undefined: reading it throws `MetadataNotRead`). Read models fold every event's data but few
 * read its metadata (of the nine here, only the change history, and only for the events that change fields),
 * and parsing it for every event was about a third of the folding thread's CPU for a stream pass's read
 * (measured on PostgreSQL, 1M events).
 *
 * A class, unlike the plain data elsewhere in the core, for two reasons: the parse must be remembered, and
 * objects of one class share one shape, which the folding loop reads fastest (an object literal with a getter
 * of its own cost more than the parse it saved). `metadata` is an accessor of the prototype: property reads,
 * `projectableOf` and `JSON.stringify` (through `toJSON`, which leaves out metadata that was not read) see it;
 * a spread (`{ ...e }`) or a structured clone does not. A metadata text that is not JSON (a row edited behind
 * the store's back) is handed over as the text itself, as the stores' other reads hand it over; verifying the
 * chain reports that event.
 */
export class LazyProjectableEvent implements ProjectableEvent {
  #metadataText: string | undefined;
  #metadata: EventMetadata | undefined = undefined;

  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    readonly position: bigint,
    readonly type: string,
    readonly schemaVersion: number,
    readonly data: Json,
    metadataText: string | undefined,
  ) {
    this.#metadataText = metadataText;
  }

  get metadata(): EventMetadata {
    if (this.#metadata !== undefined) return this.#metadata;
    if (this.#metadataText === undefined) throw new MetadataNotRead(this.position, this.type);
    return (this.#metadata = parseOrText(this.#metadataText));
  }

  toJSON(): Partial<ProjectableEvent> {
    const { streamId, revision, position, type, schemaVersion, data } = this;
    const event = { streamId, revision, position, type, schemaVersion, data };
    return this.#metadataText === undefined ? event : { ...event, metadata: this.metadata };
  }
}

const parseOrText = (text: string): EventMetadata => {
  try {
    return JSON.parse(text) as EventMetadata;
  } catch {
    return text as unknown as EventMetadata;
  }
};
