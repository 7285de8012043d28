import type { EventMetadata, Json, ProjectableEvent } from './event-store';

/**
 * An event as a rebuild reads it (`readByStream`), whose metadata an adapter hands over as its stored JSON text,
 * parsed when first read, once. Read models fold every event's data but few read its metadata (of the nine
 * here, only the change history, and only for the events that change fields), and parsing it for every event
 * was about a third of the folding thread's CPU for a stream pass's read (measured on PostgreSQL, 1M events).
 *
 * A class, unlike the plain data elsewhere in the core, for two reasons: the parse must be remembered, and
 * objects of one class share one shape, which the folding loop reads fastest (an object literal with a getter
 * of its own cost more than the parse it saved). `metadata` is an accessor of the prototype: property reads,
 * `projectableOf` and `JSON.stringify` (through `toJSON`) see it; a spread (`{ ...e }`) or a structured clone
 * does not. A metadata text that is not JSON (a row edited behind the store's back) is handed over as the text
 * itself, as the stores' other reads hand it over; verifying the chain reports that event.
 */
export class LazyProjectableEvent implements ProjectableEvent {
  #metadataText: string;
  #metadata: EventMetadata | undefined = undefined;

  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    readonly position: bigint,
    readonly type: string,
    readonly schemaVersion: number,
    readonly data: Json,
    metadataText: string,
  ) {
    this.#metadataText = metadataText;
  }

  get metadata(): EventMetadata {
    return (this.#metadata ??= parseOrText(this.#metadataText));
  }

  toJSON(): ProjectableEvent {
    const { streamId, revision, position, type, schemaVersion, data, metadata } = this;
    return { streamId, revision, position, type, schemaVersion, data, metadata };
  }
}

const parseOrText = (text: string): EventMetadata => {
  try {
    return JSON.parse(text) as EventMetadata;
  } catch {
    return text as unknown as EventMetadata;
  }
};
