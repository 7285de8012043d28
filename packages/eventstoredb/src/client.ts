/*
 * The one file that imports the EventStoreDB client. Everything else in this package speaks `EsdbConnection`,
 * so that moving to the client's successor (`@kurrent/kurrentdb-client`) changes this file and no other.
 */
import { addAbortSignal } from 'node:stream';
import type { CallOptions, Channel, ClientReadableStream, Metadata } from '@grpc/grpc-js';
import type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  EventData,
  Filter,
  JSONType,
  ResolvedEvent,
} from '@eventstore/db-client';
import {
  EventStoreDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  streamNameFilter,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { UUID } from '@eventstore/db-client/generated/shared_pb';
import type { ExpectedRevision } from '@dossier/core';

/** An event as this package hands it to the server: JSON data, JSON metadata. */
export interface EsdbEventToWrite {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** An event as the server returns it. */
export interface EsdbRecord {
  readonly streamName: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  /** The `$all` commit position; undefined when the server did not send one. */
  readonly position: bigint | undefined;
  readonly isJson: boolean;
  /** Parsed JSON when `isJson`, else raw bytes. */
  readonly data: unknown;
  /** Parsed JSON metadata, or raw bytes when it is not JSON, or undefined when empty. */
  readonly metadata: unknown;
}

/** A server-side filter on `$all`: EventStoreDB filters on one of stream name or event type per request. */
export type EsdbFilter =
  | { readonly on: 'stream'; readonly prefixes: readonly string[] }
  | { readonly on: 'type'; readonly prefixes: readonly string[] }
  | { readonly on: 'type'; readonly regex: string };

export type EsdbAppendOutcome = { readonly ok: true } | { readonly ok: false; readonly actual: bigint };

export interface EsdbReadAllOptions {
  /** `start`, `end` or a commit position (the event there, if any, is included: reads are inclusive). */
  readonly from: bigint | 'start' | 'end';
  readonly direction: 'forwards' | 'backwards';
  readonly maxCount: number;
  readonly filter: EsdbFilter;
}

export interface EsdbSubscribeOptions {
  /** Events strictly after this commit position; 0n = from the start of `$all`. */
  readonly after: bigint;
  readonly filter: EsdbFilter;
  readonly signal?: AbortSignal;
}

export interface EsdbConnection {
  /** Append with an expected revision; a broken expectation is a value with the stream's actual revision. */
  append(
    streamName: string,
    events: readonly EsdbEventToWrite[],
    expected: ExpectedRevision,
  ): Promise<EsdbAppendOutcome>;
  /** Events of a stream from a revision, forwards; [] when the stream does not exist. */
  readStream(streamName: string, from: bigint, maxCount?: bigint): Promise<EsdbRecord[]>;
  /** A server-side filtered read of `$all`. */
  readAll(options: EsdbReadAllOptions): AsyncGenerator<EsdbRecord>;
  /** A catch-up subscription to `$all`, server-side filtered; ends when `signal` aborts. */
  subscribeAll(options: EsdbSubscribeOptions): AsyncGenerator<EsdbRecord>;
  /** One cheap round trip, so that a wrong URL fails at start-up rather than on the first append. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Does this URL name an EventStoreDB / KurrentDB server? */
export const isEventStoreDbUrl = (url: string): boolean =>
  /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//i.test(url);

/** This client (6.x) knows the `esdb` schemes only; `kurrentdb://` means the same server. */
const clientUrl = (url: string): string => url.replace(/^kurrentdb(\+discover)?:\/\//i, 'esdb$1://');

/** Servers that know no position for an event send 2^64 - 1. */
const NO_POSITION = 0xffffffffffffffffn;
const position = (commit: bigint | string | undefined): bigint | undefined => {
  if (commit === undefined || commit === '') return undefined;
  const p = BigInt(commit);
  return p >= NO_POSITION ? undefined : p;
};

const expectedToClient = (expected: ExpectedRevision): AppendExpectedRevision => expected;

const actualFromClient = (e: WrongExpectedVersionError): bigint =>
  e.actualVersion === 'no_stream' ? -1n : BigInt(e.actualVersion);

const filterToClient = (filter: EsdbFilter): Filter => {
  if (filter.on === 'stream') return streamNameFilter({ prefixes: [...filter.prefixes] });
  if ('regex' in filter) return eventTypeFilter({ regex: filter.regex });
  return eventTypeFilter({ prefixes: [...filter.prefixes] });
};

const fromClientEvent = (resolved: ResolvedEvent | AllStreamResolvedEvent): EsdbRecord | undefined => {
  const e = resolved.event;
  if (!e) return undefined;
  return {
    streamName: e.streamId,
    id: e.id,
    type: e.type,
    revision: e.revision,
    position: position(
      e.position?.commit ?? ('commitPosition' in resolved ? resolved.commitPosition : undefined),
    ),
    isJson: e.isJson,
    data: e.data,
    metadata: e.metadata,
  };
};

/*
 * Filtered reads of `$all` outside a subscription (server ≥ 21.10) are in the protocol but not in this
 * client's `readAll` (its successor has `readAll({ filter })`). Until then the request is built here from the
 * client's own generated messages and sent on the client's own channel, through two of its protected members.
 */
interface ClientInternals {
  GRPCStreamCreator(
    client: typeof StreamsClient,
    debugName: string,
    creator: (c: StreamsClient) => ClientReadableStream<ReadResp>,
  ): () => Promise<ClientReadableStream<ReadResp>>;
  callArguments(options: object, callOptions?: CallOptions): [Metadata, CallOptions];
  getChannel(): Promise<Channel>;
}

const internalsOf = (client: EventStoreDBClient): ClientInternals => {
  const internals = client as unknown as ClientInternals;
  if (
    typeof internals.GRPCStreamCreator !== 'function' ||
    typeof internals.callArguments !== 'function' ||
    typeof internals.getChannel !== 'function'
  )
    throw new Error('this version of @eventstore/db-client does not expose the members filtered reads need');
  return internals;
};

const readAllRequest = ({ from, direction, maxCount, filter }: EsdbReadAllOptions): ReadReq => {
  const all = new ReadReq.Options.AllOptions();
  if (from === 'start') all.setStart(new Empty());
  else if (from === 'end') all.setEnd(new Empty());
  else {
    const p = new ReadReq.Options.Position();
    // every event this package reads was appended without an explicit transaction: commit = prepare
    p.setCommitPosition(from.toString());
    p.setPreparePosition(from.toString());
    all.setPosition(p);
  }
  const expression = new ReadReq.Options.FilterOptions.Expression();
  if ('regex' in filter) expression.setRegex(filter.regex);
  else expression.setPrefixList([...filter.prefixes]);
  const filterOptions = new ReadReq.Options.FilterOptions();
  if (filter.on === 'stream') filterOptions.setStreamIdentifier(expression);
  else filterOptions.setEventType(expression);
  filterOptions.setCount(new Empty());
  filterOptions.setCheckpointintervalmultiplier(1);
  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new Empty());
  const options = new ReadReq.Options();
  options.setAll(all);
  options.setReadDirection(
    direction === 'forwards'
      ? ReadReq.Options.ReadDirection.FORWARDS
      : ReadReq.Options.ReadDirection.BACKWARDS,
  );
  options.setResolveLinks(false);
  options.setCount(String(maxCount));
  options.setFilter(filterOptions);
  options.setUuidOption(uuid);
  const req = new ReadReq();
  req.setOptions(options);
  return req;
};

const uuidString = (id: UUID | undefined): string => {
  if (!id) return '';
  if (id.hasString()) return id.getString();
  const s = id.getStructured();
  if (!s) return '';
  const hex =
    BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const parseJson = (bytes: Uint8Array): unknown => {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return bytes;
  }
};

const fromGrpc = (resp: ReadResp): EsdbRecord | undefined => {
  const read = resp.getEvent();
  const e = read?.getEvent();
  if (!read || !e) return undefined;
  const meta = e.getMetadataMap();
  const isJson = meta.get('content-type') === 'application/json';
  const metadata = e.getCustomMetadata_asU8();
  return {
    streamName: Buffer.from(e.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8'),
    id: uuidString(e.getId()),
    type: meta.get('type') ?? '',
    revision: BigInt(e.getStreamRevision()),
    position:
      position(e.getCommitPosition()) ??
      (read.hasCommitPosition() ? position(read.getCommitPosition()) : undefined),
    isJson,
    data: isJson ? parseJson(e.getData_asU8()) : e.getData_asU8(),
    metadata: metadata.length === 0 ? undefined : parseJson(metadata),
  };
};

/** Connect (lazily: the client dials on first use) to the server a connection string names. */
export const connectEventStoreDb = (url: string): EsdbConnection => {
  const client = EventStoreDBClient.connectionString(clientUrl(url));
  const internals = internalsOf(client);
  // the client dials lazily; closing asks for its channel, which must not dial (or discover) just to close
  let dialled = false;

  const readStream: EsdbConnection['readStream'] = async (streamName, from, maxCount) => {
    const out: EsdbRecord[] = [];
    if (maxCount !== undefined && maxCount <= 0n) return out;
    try {
      for await (const resolved of client.readStream(streamName, {
        fromRevision: from,
        ...(maxCount === undefined ? {} : { maxCount }),
      })) {
        const r = fromClientEvent(resolved as ResolvedEvent);
        if (r) out.push(r);
      }
    } catch (e) {
      if (!(e instanceof StreamNotFoundError)) throw e;
      out.length = 0;
    }
    dialled = true;
    return out;
  };

  return {
    async append(streamName, events, expected) {
      const data: EventData[] = events.map((e) => ({
        id: e.id,
        contentType: 'application/json',
        type: e.type,
        data: e.data as JSONType,
        metadata: e.metadata as JSONType,
      }));
      try {
        await client.appendToStream(streamName, data, { expectedRevision: expectedToClient(expected) });
        dialled = true;
        return { ok: true };
      } catch (e) {
        if (e instanceof WrongExpectedVersionError) {
          dialled = true;
          return { ok: false, actual: actualFromClient(e) };
        }
        throw e;
      }
    },

    readStream,

    async *readAll(options) {
      const call = await internals.GRPCStreamCreator(StreamsClient, 'readAll', (c) =>
        c.read(readAllRequest(options), ...internals.callArguments({}, { deadline: Infinity })),
      )();
      call.on('error', () => undefined); // surfaced by the iterator below; a cancel after `return` is expected
      try {
        for await (const resp of call as AsyncIterable<ReadResp>) {
          const r = fromGrpc(resp);
          if (r) yield r;
        }
      } catch (e) {
        throw convertToCommandError(e as Error);
      } finally {
        call.cancel();
      }
    },

    async *subscribeAll({ after, filter, signal }) {
      if (signal?.aborted) return;
      const sub = client.subscribeToAll({
        fromPosition: after === 0n ? 'start' : { commit: after, prepare: after },
        filter: filterToClient(filter),
      });
      if (signal) addAbortSignal(signal, sub);
      try {
        for await (const resolved of sub as AsyncIterable<AllStreamResolvedEvent>) {
          const r = fromClientEvent(resolved);
          if (r) yield r;
        }
        // a subscription has no end of its own: the server dropped it, and the caller must resume
        if (!signal?.aborted) throw new Error('EventStoreDB ended the subscription to $all');
      } catch (e) {
        if (!signal?.aborted) throw e;
      } finally {
        await sub.unsubscribe();
      }
    },

    async ping() {
      await readStream('dossier-connection-check', 0n, 1n);
    },

    async close() {
      await client.dispose();
      // dispose() ends the client's calls, not its connection
      if (dialled) (await internals.getChannel()).close();
    },
  };
};
