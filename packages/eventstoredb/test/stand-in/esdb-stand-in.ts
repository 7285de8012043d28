/*
 * EventStoreDB protocol stand-in: an in-process gRPC server that answers the subset of the EventStoreDB
 * Streams protocol this package uses (Append, BatchAppend, Read of a stream, Read of `$all` with server-side
 * filters, subscriptions to `$all` and to a stream) and ServerFeatures, from the service definitions generated
 * from the server's .proto files that ship inside @eventstore/db-client, backed by an in-memory log.
 *
 * It lets the real client library and the adapter run over a real gRPC connection where no server can run.
 * It proves the adapter's use of the protocol, not the server's behaviour: storage, clustering, security,
 * scavenging, projections and the server's exact edge cases are not modelled. Run the contract suite against a
 * real server with DOSSIER_ESDB_URL for that (see the README).
 */
import type {
  ServerDuplexStream,
  ServerReadableStream,
  ServerWritableStream,
  ServiceError,
} from '@grpc/grpc-js';
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { Expected, ProposedEvent, StoredEvent } from './memory-log';
import { InvalidEvent, MemoryLog } from './memory-log';
import { randomUUID } from 'node:crypto';
import type { AppendReq, BatchAppendReq, IServerFeaturesServer, IStreamsServer } from './protocol';
import {
  AllStreamPosition,
  Any,
  AppendResp,
  BatchAppendResp,
  Code,
  Empty,
  ProtobufEmpty,
  ReadReq,
  ReadResp,
  ServerFeaturesService,
  Status,
  StreamIdentifier,
  StreamsService,
  SupportedMethod,
  SupportedMethods,
  UUID,
  WrongExpectedVersion,
} from './protocol';

export interface StandInOptions {
  /**
   * `batch`: answer ServerFeatures with BatchAppend, as current servers do, so the client appends with
   * BatchAppend. `legacy`: no ServerFeatures service (an older server), so the client uses Append.
   */
  readonly appendMode?: 'batch' | 'legacy';
  /** Write a system event (`$stats-…` stream, `$`-type) after every n user appends; 0 = never (default 3). */
  readonly systemEventEvery?: number;
}

/** What the stand-in was asked, for tests that check the adapter's use of the protocol. */
export interface StandInRequest {
  readonly rpc: 'Append' | 'BatchAppend' | 'Read' | 'GetSupportedMethods';
  readonly target?: 'stream' | 'all';
  readonly subscription?: boolean;
  readonly filter?: {
    readonly on: 'stream' | 'type';
    readonly prefixes: readonly string[];
    readonly regex: string;
  };
  readonly direction?: 'forwards' | 'backwards';
  readonly count?: bigint;
}

export interface EsdbStandIn {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly url: string;
  readonly log: MemoryLog;
  readonly requests: StandInRequest[];
  /** How many appends it answered with WrongExpectedVersion. */
  readonly wrongExpectedVersions: () => number;
  /** Write an event as another application would: JSON, no Dossier metadata. */
  writeForeign(streamName: string, type: string, data: unknown): void;
  stop(): Promise<void>;
}

const utf8 = (b: Uint8Array | string): string =>
  typeof b === 'string' ? Buffer.from(b, 'base64').toString('utf8') : Buffer.from(b).toString('utf8');

const streamName = (id: StreamIdentifier | undefined): string =>
  utf8(id?.getStreamName_asU8() ?? new Uint8Array());

const identifier = (name: string): StreamIdentifier => {
  const id = new StreamIdentifier();
  id.setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));
  return id;
};

const uuidOf = (u: UUID | undefined): string => {
  if (!u) return '';
  if (u.hasString()) return u.getString();
  const s = u.getStructured();
  if (!s) return '';
  const hex =
    BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const uuidMessage = (id: string, structured: boolean): UUID => {
  const u = new UUID();
  if (!structured) {
    u.setString(id);
    return u;
  }
  const hex = id.replace(/-/g, '');
  const s = new UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt('0x' + hex.slice(0, 16))).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt('0x' + hex.slice(16))).toString());
  u.setStructured(s);
  return u;
};

const failure = (code: status, details: string): Partial<ServiceError> => ({
  code,
  details,
  metadata: new Metadata(),
});

const proposed = (m: {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}): ProposedEvent => ({
  id: uuidOf(m.getId()),
  type: m.getMetadataMap().get('type') ?? '',
  contentType: m.getMetadataMap().get('content-type') ?? 'application/octet-stream',
  data: m.getData_asU8(),
  metadata: m.getCustomMetadata_asU8(),
});

/** A record as the server sends it in a read or a subscription. */
const readResp = (e: StoredEvent, structuredIds: boolean): ReadResp => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(e.id, structuredIds));
  recorded.setStreamIdentifier(identifier(e.streamName));
  recorded.setStreamRevision(e.revision.toString());
  recorded.setCommitPosition(e.position.toString());
  recorded.setPreparePosition(e.position.toString());
  recorded.getMetadataMap().set('type', e.type);
  recorded.getMetadataMap().set('content-type', e.contentType);
  recorded.getMetadataMap().set('created', e.created.toString());
  recorded.setCustomMetadata(e.metadata);
  recorded.setData(e.data);
  const read = new ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(e.position.toString());
  const resp = new ReadResp();
  resp.setEvent(read);
  return resp;
};

type Filter = NonNullable<StandInRequest['filter']>;

const filterOf = (options: ReadReq.Options): Filter | undefined => {
  if (!options.hasFilter()) return undefined;
  const f = options.getFilter()!;
  const on = f.hasStreamIdentifier() ? 'stream' : 'type';
  const expr = (on === 'stream' ? f.getStreamIdentifier() : f.getEventType())!;
  return { on, prefixes: expr.getPrefixList(), regex: expr.getRegex() };
};

const matches = (filter: Filter | undefined, e: StoredEvent): boolean => {
  if (!filter) return true;
  const subject = filter.on === 'stream' ? e.streamName : e.type;
  if (filter.prefixes.length > 0) return filter.prefixes.some((p) => subject.startsWith(p));
  return filter.regex ? new RegExp(filter.regex).test(subject) : true;
};

const expectedOf = (o: {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
  revision(): string;
}): Expected => {
  if (o.hasAny()) return 'any';
  if (o.hasNoStream()) return 'no_stream';
  if (o.hasStreamExists()) return 'stream_exists';
  return BigInt(o.revision());
};

/** Start the stand-in on a free local port. */
export const startEsdbStandIn = async (options: StandInOptions = {}): Promise<EsdbStandIn> => {
  const mode = options.appendMode ?? 'batch';
  const systemEvery = options.systemEventEvery ?? 3;
  const log = new MemoryLog();
  const requests: StandInRequest[] = [];
  let userAppends = 0;
  let wrong = 0;
  const open = new Set<{ end(): void }>();

  const systemEvent = (): void => {
    log.append('$stats-127.0.0.1:2113', 'any', [
      {
        id: randomUUID(),
        type: '$statistics-collected',
        contentType: 'application/json',
        data: Buffer.from(JSON.stringify({ 'proc-id': 1 })),
        metadata: new Uint8Array(),
      },
    ]);
  };
  // a real log starts with the server's own records
  log.append('$settings', 'any', [
    {
      id: randomUUID(),
      type: 'update-default-acl',
      contentType: 'application/json',
      data: Buffer.from('{}'),
      metadata: new Uint8Array(),
    },
  ]);

  const appendUser = (name: string, expected: Expected, events: readonly ProposedEvent[]) => {
    const outcome = log.append(name, expected, events);
    if (!outcome.ok) wrong++;
    if (outcome.ok && systemEvery > 0 && ++userAppends % systemEvery === 0) systemEvent();
    return outcome;
  };

  const streams: IStreamsServer = {
    append(call: ServerReadableStream<AppendReq, AppendResp>, callback) {
      requests.push({ rpc: 'Append' });
      let name = '';
      let expected: Expected = 'any';
      const events: ProposedEvent[] = [];
      call.on('data', (req: AppendReq) => {
        if (req.hasOptions()) {
          const o = req.getOptions()!;
          name = streamName(o.getStreamIdentifier());
          expected = expectedOf({
            hasAny: () => o.hasAny(),
            hasNoStream: () => o.hasNoStream(),
            hasStreamExists: () => o.hasStreamExists(),
            revision: () => o.getRevision(),
          });
        } else if (req.hasProposedMessage()) events.push(proposed(req.getProposedMessage()!));
      });
      call.on('end', () => {
        let outcome;
        try {
          outcome = appendUser(name, expected, events);
        } catch (e) {
          if (e instanceof InvalidEvent) return callback(failure(status.INVALID_ARGUMENT, e.message));
          throw e;
        }
        const resp = new AppendResp();
        if (outcome.ok) {
          const success = new AppendResp.Success();
          success.setCurrentRevision(outcome.revision.toString());
          const position = new AppendResp.Position();
          position.setCommitPosition(outcome.position.toString());
          position.setPreparePosition(outcome.position.toString());
          success.setPosition(position);
          resp.setSuccess(success);
        } else {
          const wrong = new AppendResp.WrongExpectedVersion();
          if (outcome.current >= 0n) wrong.setCurrentRevision(outcome.current.toString());
          else wrong.setCurrentNoStream(new Empty());
          if (expected === 'any') wrong.setExpectedAny(new Empty());
          else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
          else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
          else wrong.setExpectedRevision(expected.toString());
          resp.setWrongExpectedVersion(wrong);
        }
        callback(null, resp);
      });
    },

    batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
      requests.push({ rpc: 'BatchAppend' });
      const pending = new Map<string, { name: string; expected: Expected; events: ProposedEvent[] }>();
      open.add(call);
      call.on('data', (req: BatchAppendReq) => {
        const correlation = uuidOf(req.getCorrelationId());
        let batch = pending.get(correlation);
        if (!batch) {
          const o = req.getOptions();
          if (!o) return call.destroy(new Error('a batch must start with its options'));
          batch = {
            name: streamName(o.getStreamIdentifier()),
            expected: expectedOf({
              hasAny: () => o.hasAny(),
              hasNoStream: () => o.hasNoStream(),
              hasStreamExists: () => o.hasStreamExists(),
              revision: () => o.getStreamPosition(),
            }),
            events: [],
          };
          pending.set(correlation, batch);
        }
        batch.events.push(...req.getProposedMessagesList().map(proposed));
        if (!req.getIsFinal()) return;
        pending.delete(correlation);
        const resp = new BatchAppendResp();
        resp.setCorrelationId(req.getCorrelationId());
        resp.setStreamIdentifier(identifier(batch.name));
        const { expected } = batch;
        if (expected === 'any') resp.setAny(new ProtobufEmpty());
        else if (expected === 'no_stream') resp.setNoStream(new ProtobufEmpty());
        else if (expected === 'stream_exists') resp.setStreamExists(new ProtobufEmpty());
        else resp.setStreamPosition(expected.toString());
        let outcome;
        try {
          outcome = appendUser(batch.name, expected, batch.events);
        } catch (e) {
          if (!(e instanceof InvalidEvent)) throw e;
          const error = new Status();
          error.setCode(Code.INVALID_ARGUMENT);
          error.setMessage(e.message);
          resp.setError(error);
          call.write(resp);
          return;
        }
        if (outcome.ok) {
          const success = new BatchAppendResp.Success();
          success.setCurrentRevision(outcome.revision.toString());
          const position = new AllStreamPosition();
          position.setCommitPosition(outcome.position.toString());
          position.setPreparePosition(outcome.position.toString());
          success.setPosition(position);
          resp.setSuccess(success);
        } else {
          const wrong = new WrongExpectedVersion();
          if (outcome.current >= 0n) wrong.setCurrentStreamRevision(outcome.current.toString());
          else wrong.setCurrentNoStream(new ProtobufEmpty());
          if (expected === 'any') wrong.setExpectedAny(new ProtobufEmpty());
          else if (expected === 'no_stream') wrong.setExpectedNoStream(new ProtobufEmpty());
          else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new ProtobufEmpty());
          else wrong.setExpectedStreamPosition(expected.toString());
          const details = new Any();
          details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
          const error = new Status();
          error.setCode(Code.FAILED_PRECONDITION);
          error.setMessage('WrongExpectedVersion');
          error.setDetails(details);
          resp.setError(error);
        }
        call.write(resp);
      });
      call.on('end', () => {
        open.delete(call);
        call.end();
      });
      call.on('cancelled', () => open.delete(call));
      call.on('error', () => open.delete(call));
    },

    read(call: ServerWritableStream<ReadReq, ReadResp>) {
      const options = call.request.getOptions();
      if (!options) return void call.emit('error', failure(status.INVALID_ARGUMENT, 'no options'));
      const structured = options.getUuidOption()?.hasStructured() ?? false;
      const forwards = options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
      const count = options.hasCount() ? BigInt(options.getCount()) : undefined;
      const subscription = options.hasSubscription();
      const filter = filterOf(options);
      requests.push({
        rpc: 'Read',
        target: options.hasAll() ? 'all' : 'stream',
        subscription,
        ...(filter ? { filter } : {}),
        direction: forwards ? 'forwards' : 'backwards',
        ...(count === undefined ? {} : { count }),
      });
      const send = (e: StoredEvent) => call.write(readResp(e, structured));

      if (options.hasStream()) {
        const s = options.getStream()!;
        const name = streamName(s.getStreamIdentifier());
        if (subscription) {
          // a subscription from a revision starts after it
          const start = s.hasRevision()
            ? BigInt(s.getRevision())
            : s.hasEnd()
              ? BigInt((log.stream(name)?.length ?? 0) - 1)
              : -1n;
          return live(
            call,
            send,
            start,
            (at) => (log.stream(name) ?? []).filter((e) => e.revision > at),
            (e) => e.revision,
          );
        }
        const events = log.stream(name);
        if (!events) {
          const nf = new ReadResp.StreamNotFound();
          nf.setStreamIdentifier(identifier(name));
          const resp = new ReadResp();
          resp.setStreamNotFound(nf);
          call.write(resp);
          return call.end();
        }
        const from = s.hasRevision() ? BigInt(s.getRevision()) : s.hasEnd() ? BigInt(events.length - 1) : 0n;
        let page = forwards
          ? events.filter((e) => !s.hasEnd() && e.revision >= from)
          : events.filter((e) => e.revision <= from).reverse();
        if (count !== undefined) page = page.slice(0, Number(count));
        page.forEach(send);
        return call.end();
      }

      const all = options.getAll()!;
      const from = all.hasPosition() ? BigInt(all.getPosition()!.getCommitPosition()) : undefined;
      if (subscription) {
        // a subscription from a position starts after it; from the end, after the last event now
        const start = all.hasEnd() ? log.head() : (from ?? -1n);
        return live(
          call,
          send,
          start,
          (at) => log.all.filter((e) => e.position > at && matches(filter, e)),
          (e) => e.position,
        );
      }
      // reads from a position include the event there, forwards; backwards they end before it
      let page = forwards
        ? log.all.filter((e) => (from === undefined || e.position >= from) && matches(filter, e))
        : log.all.filter((e) => (from === undefined || e.position < from) && matches(filter, e)).reverse();
      if (all.hasEnd() && forwards) page = [];
      if (count !== undefined) page = page.slice(0, Number(count));
      page.forEach(send);
      call.end();
    },

    delete(_call, callback) {
      callback(failure(status.UNIMPLEMENTED, 'the stand-in does not delete streams'));
    },
    tombstone(_call, callback) {
      callback(failure(status.UNIMPLEMENTED, 'the stand-in does not tombstone streams'));
    },
  };

  /** Catch up, say so, then follow the log until the client cancels. */
  function live(
    call: ServerWritableStream<ReadReq, ReadResp>,
    send: (e: StoredEvent) => void,
    start: bigint,
    after: (at: bigint) => StoredEvent[],
    key: (e: StoredEvent) => bigint,
  ): void {
    let at = start;
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    const confirmed = new ReadResp();
    confirmed.setConfirmation(confirmation);
    call.write(confirmed);
    const pump = () => {
      for (const e of after(at)) {
        send(e);
        at = key(e);
      }
    };
    pump();
    const caughtUp = new ReadResp();
    caughtUp.setCaughtUp(new ReadResp.CaughtUp());
    call.write(caughtUp);
    const stop = log.onAppend(pump);
    const end = {
      end: () => {
        stop();
        call.end();
      },
    };
    open.add(end);
    call.on('cancelled', () => {
      stop();
      open.delete(end);
    });
    call.on('error', () => {
      stop();
      open.delete(end);
    });
  }

  const features: IServerFeaturesServer = {
    getSupportedMethods(_call, callback) {
      requests.push({ rpc: 'GetSupportedMethods' });
      const methods = ['Read', 'Append', 'BatchAppend'].map((m) => {
        const method = new SupportedMethod();
        method.setServiceName('event_store.client.streams.Streams');
        method.setMethodName(m);
        return method;
      });
      const supported = new SupportedMethods();
      supported.setMethodsList(methods);
      supported.setEventStoreServerVersion('24.10.0-protocol-stand-in');
      callback(null, supported);
    },
  };

  const server = new Server();
  server.addService(StreamsService, streams);
  if (mode === 'batch') server.addService(ServerFeaturesService, features);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );

  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    log,
    requests,
    wrongExpectedVersions: () => wrong,
    writeForeign(name, type, data) {
      log.append(name, 'any', [
        {
          id: randomUUID(),
          type,
          contentType: 'application/json',
          data: Buffer.from(JSON.stringify(data)),
          metadata: Buffer.from(JSON.stringify({ app: 'someone else' })),
        },
      ]);
    },
    async stop() {
      for (const call of [...open]) call.end();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
};
