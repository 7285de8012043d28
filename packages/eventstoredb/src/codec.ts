import type { EventMetadata, Json, RecordedEvent, SealedEvent } from '@dossier/core';
import type { EsdbEventToWrite, EsdbRecord } from './client';

/*
 * How a sealed event travels in EventStoreDB. Data is the event's JSON data. Metadata is the event's own
 * metadata (actor, times, correlation, …) plus
 * - `dossier`: the hash-chain fields the store adds (schema version, recorded time, previous hash, hash);
 * - `$correlationId` / `$causationId`: copies EventStoreDB's own projections understand.
 * Reading strips the additions, so metadata comes back exactly as it was appended.
 */

interface ChainFields {
  readonly v: 1;
  readonly schemaVersion: number;
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

const CHAIN = 'dossier';

export const toEsdbEvent = (e: SealedEvent): EsdbEventToWrite => {
  const chain: ChainFields = {
    v: 1,
    schemaVersion: e.schemaVersion,
    recordedAt: e.recordedAt,
    prevHash: e.prevHash,
    hash: e.hash,
  };
  return {
    id: e.eventId,
    type: e.type,
    data: e.data,
    metadata: {
      ...e.metadata,
      $correlationId: e.metadata.correlationId,
      $causationId: e.metadata.causationId,
      [CHAIN]: chain,
    },
  };
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

const chainOf = (v: unknown): ChainFields | undefined => {
  if (!isRecord(v)) return undefined;
  const { v: version, schemaVersion, recordedAt, prevHash, hash } = v;
  if (
    version !== 1 ||
    typeof schemaVersion !== 'number' ||
    typeof recordedAt !== 'string' ||
    typeof prevHash !== 'string' ||
    typeof hash !== 'string'
  )
    return undefined;
  return { v: 1, schemaVersion, recordedAt, prevHash, hash };
};

/** Is this a system event (`$`-prefixed stream or type) that readers of `$all` never see? */
export const isSystemRecord = (r: EsdbRecord): boolean =>
  r.streamName.startsWith('$') || r.type.startsWith('$');

/**
 * The recorded event a server record holds, or undefined when it is not one of Dossier's (no JSON data, no
 * chain metadata): another application's event, or a system event.
 */
export const fromEsdbRecord = (
  r: EsdbRecord,
  streamId: string,
  position: bigint,
): RecordedEvent | undefined => {
  if (!r.isJson || !isRecord(r.metadata) || isSystemRecord(r)) return undefined;
  const { [CHAIN]: chainField, $correlationId: _c, $causationId: _k, ...metadata } = r.metadata;
  const chain = chainOf(chainField);
  if (!chain) return undefined;
  return {
    eventId: r.id,
    type: r.type,
    schemaVersion: chain.schemaVersion,
    data: r.data as Json,
    metadata: metadata as unknown as EventMetadata,
    streamId,
    revision: r.revision,
    position,
    recordedAt: chain.recordedAt,
    prevHash: chain.prevHash,
    hash: chain.hash,
  };
};
