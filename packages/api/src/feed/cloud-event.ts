import type { EventStore, EventType, KeyStore, Json, RecordedEvent } from '@dossier/core';
import { ARCHIVE_STREAM_PREFIX, isEventType } from '@dossier/core';
import type { DataClassification } from './cloud-event-types';
import { FEED_SOURCE, classificationOf, cloudEventType, schemaFileOf, sequenceOf } from './cloud-event-types';
import { PERSONAL_TYPES, currentData, openedData, withheldData } from './feed-data';
import type { FeedScope } from './feed-scopes';
import { opensPersonal } from './feed-scopes';
import { SecrecyIndex } from './secrecy-index';

/** One archive event as a CloudEvents 1.0 structured JSON object. */
export interface FeedCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  /** Extension `sequence`: the global position (decimal, zero-padded to 20 digits). */
  readonly sequence: string;
  /** Extension `dataclassification`, from the archive's secrecy level at the event. */
  readonly dataclassification: DataClassification;
  /** Extension `dataregulations`: present when the data carries personal information in plaintext. */
  readonly dataregulations?: string;
  readonly data: Json;
}

/** Called once before an archive's personal values are opened for a reader: record the read, or throw. */
export type Disclosure = (archiveId: string) => Promise<void>;

export const archiveIdOf = (r: RecordedEvent): string | undefined =>
  r.streamId.startsWith(ARCHIVE_STREAM_PREFIX) ? r.streamId.slice(ARCHIVE_STREAM_PREFIX.length) : undefined;

/** Recorded archive events → CloudEvents, for the SSE feed and the webhooks alike. */
export class CloudEventBuilder {
  readonly secrecy: SecrecyIndex;

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly keys: Pick<KeyStore, 'get'>,
    private readonly baseUrl: () => string,
  ) {
    this.secrecy = new SecrecyIndex(store);
  }

  /** Is it an archive event the feed carries (not a read log, not a number reservation, a known type)? */
  carries(r: RecordedEvent): boolean {
    return archiveIdOf(r) !== undefined && isEventType(r.type);
  }

  /** The event with personal values withheld, or opened when the scopes allow (after `disclose`). */
  async build(
    r: RecordedEvent,
    scopes: readonly FeedScope[],
    disclose?: Disclosure,
  ): Promise<FeedCloudEvent> {
    const archiveId = archiveIdOf(r)!;
    const level = this.secrecy.levelAtNow(r, archiveId) ?? (await this.secrecy.levelAt(r, archiveId));
    const data = currentData(r.type, r.schemaVersion, r.data);
    let out: Json;
    let personal = false;
    if (opensPersonal(scopes) && PERSONAL_TYPES.has(r.type)) {
      await disclose?.(archiveId);
      out = openedData(data, await this.keys.get(archiveId), archiveId);
      personal = true;
    } else out = withheldData(r.type, data);
    return this.envelope(r, archiveId, level, out, personal);
  }

  /** The same, synchronously, for the withheld scope when the secrecy level is known (the hot path). */
  buildWithheldNow(r: RecordedEvent): FeedCloudEvent | undefined {
    const archiveId = archiveIdOf(r)!;
    const level = this.secrecy.levelAtNow(r, archiveId);
    if (level === undefined) return undefined;
    return this.envelope(
      r,
      archiveId,
      level,
      withheldData(r.type, currentData(r.type, r.schemaVersion, r.data)),
      false,
    );
  }

  private envelope(
    r: RecordedEvent,
    archiveId: string,
    level: keyof typeof classificationOf | undefined,
    data: Json,
    personal: boolean,
  ): FeedCloudEvent {
    const type = r.type as EventType;
    return {
      specversion: '1.0',
      id: r.eventId,
      source: FEED_SOURCE,
      type: cloudEventType(type),
      subject: archiveId,
      time: r.metadata.occurredAt,
      datacontenttype: 'application/json',
      dataschema: `${this.baseUrl()}/schemas/events/${schemaFileOf(type)}`,
      sequence: sequenceOf(r.position),
      // an archive whose level cannot be found is treated as the most guarded
      dataclassification: level ? classificationOf[level] : 'restricted',
      ...(personal ? { dataregulations: 'PIPL' } : {}),
      data,
    };
  }
}
