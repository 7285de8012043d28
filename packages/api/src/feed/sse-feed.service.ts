import type { OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, RecordedEvent } from '@dossier/core';
import { ARCHIVE_STREAM_PREFIX, archiveStream } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import type { FeedQuery } from './feed-codecs';
import { parseTypes } from './feed-codecs';
import { FeedEventsService } from './feed-events.service';
import { followLog } from './follow-log';
import { LiveTail } from './live-tail';
import { opensPersonal, parseScopes, requireFeedAccess } from './feed-scopes';
import type { FeedSettings } from './feed-settings';
import { FEED_SETTINGS } from './feed-tokens';
import { SseWriter } from './sse-writer';

/** `Last-Event-ID` as a position, or undefined; a malformed one is a 400 (never silently from the start). */
const lastEventId = (request: FastifyRequest): bigint | undefined => {
  const v = request.headers['last-event-id'];
  const text = Array.isArray(v) ? v[0] : v;
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,19}$/.test(text.trim()))
    throw problems.badRequest('Last-Event-ID: not a position of this feed', [
      { path: 'header:last-event-id', rule: 'the id: of an event of GET /feed' },
    ]);
  return BigInt(text.trim());
};

/**
 * GET /feed: catch-up by pages from the position, then live from the tail every live stream of this process
 * shares (`follow-log.ts`); each archive event a CloudEvent, withheld or opened as the scope says.
 */
@Injectable()
export class SseFeedService implements OnModuleDestroy {
  private readonly logger = new Logger('feed');
  private readonly open = new Set<{ writer: SseWriter; done: Promise<void> }>();
  private readonly tail: LiveTail;

  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    @Inject(FeedEventsService) private readonly events: FeedEventsService,
  ) {
    this.tail = new LiveTail(dossier.events, settings.batchSize * 20, settings.batchSize);
  }

  /** Streams open now. */
  get openStreams(): number {
    return this.open.size;
  }

  /** Everything is checked before the response starts: a refusal is still an RFC 9457 problem. */
  async stream(request: FastifyRequest, reply: FastifyReply, actor: Actor, q: FeedQuery): Promise<void> {
    const scopes = parseScopes(q.scope, 'query:scope');
    requireFeedAccess(this.dossier.config, actor, scopes);
    const types = parseTypes(q.types?.split(','), 'query:types');
    const resume = lastEventId(request);
    const after =
      resume ?? (q.from !== undefined ? BigInt(q.from) : await this.dossier.events.headPosition());
    const only = q.archive ? archiveStream(q.archive) : undefined;
    const personal = opensPersonal(scopes);
    const disclose = personal
      ? this.events.disclosure(actor, 'feed:personal:read', 'event feed (SSE)')
      : undefined;

    reply.hijack();
    const writer = new SseWriter(reply.raw, this.settings.heartbeatMs);
    writer.start(this.settings.sseRetryMs, { 'x-feed-after': after.toString() });
    let finish!: () => void;
    const entry = { writer, done: new Promise<void>((resolve) => (finish = resolve)) };
    this.open.add(entry);
    const builder = this.events.builder;
    const send = async (r: RecordedEvent, json: Promise<string>) => {
      const full = writer.send(r.position, await json);
      if (full) await full;
    };
    const deliver = (r: RecordedEvent): Promise<void> | undefined => {
      if (!builder.carries(r)) return undefined;
      if (personal)
        return send(
          r,
          builder.build(r, scopes, disclose).then((e) => JSON.stringify(e)),
        );
      const now = this.events.withheldJsonNow(r);
      return now !== undefined ? writer.send(r.position, now) : send(r, this.events.withheldJson(r));
    };
    try {
      await followLog({
        store: this.dossier.events,
        tail: this.tail,
        after,
        streamPrefix: only ?? ARCHIVE_STREAM_PREFIX,
        ...(only ? { only } : {}),
        ...(types ? { types } : {}),
        batchSize: this.settings.batchSize,
        signal: writer.signal,
        deliver,
      });
    } catch (e) {
      // the client reconnects with Last-Event-ID: the stream ends, nothing is skipped
      if (!writer.signal.aborted) this.logger.error(`feed stream ended: ${(e as Error).message}`);
    } finally {
      writer.abort();
      this.open.delete(entry);
      finish();
    }
  }

  /** Shutdown: end every stream (clients reconnect elsewhere or later with Last-Event-ID). */
  async onModuleDestroy(): Promise<void> {
    this.tail.stop();
    const streams = [...this.open];
    for (const s of streams) s.writer.abort();
    await Promise.all(streams.map((s) => s.done));
  }
}
