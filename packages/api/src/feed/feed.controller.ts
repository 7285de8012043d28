import { Controller, Get, Header, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dossier/core';
import { problems } from '../http/problem';
import { CurrentActor, Public } from '../identity/auth.guard';
import { QueryDoc } from '../queries/query-docs';
import { parseQuery } from '../queries/query-codecs';
import { asyncApiDocument } from './asyncapi-document';
import { eventTypeOfSchemaFile } from './cloud-event-types';
import { eventCatalogue } from './event-catalogue';
import { FeedQuery } from './feed-codecs';
import { FeedEventsService } from './feed-events.service';
import { SseFeedService } from './sse-feed.service';

/** The event feed (Server-Sent Events) and its catalogue (AsyncAPI, JSON Schemas of every event's data). */
@ApiTags('feed')
@Controller()
export class FeedController {
  constructor(
    @Inject(SseFeedService) private readonly sse: SseFeedService,
    @Inject(FeedEventsService) private readonly events: FeedEventsService,
  ) {}

  @Get('feed')
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @QueryDoc(
    'Every archive event as a CloudEvent over Server-Sent Events: resumable (Last-Event-ID or ?from=), ' +
      'filtered (?types=, ?archive=), catch-up then live; personal values withheld unless ?scope=personal:read',
    FeedQuery,
    'streamFeed',
  )
  async feed(
    @Query() query: unknown,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.sse.stream(request, reply, actor, parseQuery(FeedQuery, query));
  }

  @Get('asyncapi.json')
  @Public()
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: 'AsyncAPI 3.0 document of the feed and the webhooks', operationId: 'asyncApi' })
  asyncApi() {
    return asyncApiDocument(this.events.baseUrl());
  }

  @Get('schemas/events/:file')
  @Public()
  @ApiOperation({
    summary: 'JSON Schema (draft-07) of one event type’s data: the `dataschema` of its CloudEvents',
    operationId: 'eventSchema',
  })
  schema(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const type = eventTypeOfSchemaFile(file);
    if (!type) throw problems.notFound(`no event schema ${file}`, 'schema.not-found');
    void reply.type('application/schema+json').header('cache-control', 'public, max-age=3600');
    return eventCatalogue().standalone(type, `${this.events.baseUrl()}/schemas/events/${file}`);
  }
}
