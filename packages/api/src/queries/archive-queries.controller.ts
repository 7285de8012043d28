import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dossier/core';
import { CurrentActor } from '../identity/auth.guard';
import { IntegrityService } from '../integrity/integrity.service';
import { AccessService } from './access.service';
import { ArchiveListService } from './archive-list.service';
import { ArchiveReadsService } from './archive-reads.service';
import { QueryDoc } from './query-docs';
import { AfterQuery, AsOfQuery, HistoryQuery, ListQuery, parseQuery } from './query-codecs';
import { ReadModelsService } from './read-models.service';

const correlation = (req: FastifyRequest) => {
  const v = req.headers['x-correlation-id'];
  return typeof v === 'string' ? v : undefined;
};

/** The archive list, one archive's detail (access-checked, logged), its history, as-of replay and verification. */
@ApiTags('archives')
@ApiBearerAuth()
@Controller('archives')
export class ArchiveQueriesController {
  constructor(
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ArchiveListService) private readonly lists: ArchiveListService,
    @Inject(ArchiveReadsService) private readonly reads: ArchiveReadsService,
    @Inject(IntegrityService) private readonly integrity: IntegrityService,
  ) {}

  @Get()
  @QueryDoc('The customer list: filters of the list read model, keyset pages', ListQuery, 'listArchives')
  async list(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(ListQuery, query);
    this.access.require(actor, 'list');
    await this.readModels.waitAfter(q.after);
    return this.lists.list(q);
  }

  @Get(':id')
  @QueryDoc(
    'One archive in detail: access-checked (DOMAIN.md §6), logged as a read, personal fields decrypted',
    AfterQuery,
    'getArchive',
  )
  async detail(
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const q = parseQuery(AfterQuery, query);
    await this.readModels.waitAfter(q.after);
    const answer = await this.reads.detail(actor, id, q.purpose, correlation(req));
    void reply.header('etag', `"${answer.revision}"`).header('cache-control', 'no-store');
    return answer;
  }

  @Get(':id/history')
  @QueryDoc(
    'Field-level history of the archive (who, what, from, to, when, why); personal values withheld',
    HistoryQuery,
    'getHistory',
  )
  async history(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(HistoryQuery, query);
    await this.readModels.waitAfter(q.after);
    return this.reads.history(actor, id, q);
  }

  @Get(':id/as-of')
  @QueryDoc(
    'The archive as it was at a time (?at=) or a revision (?revision=), replayed from its events',
    AsOfQuery,
    'getAsOf',
  )
  async asOf(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    return this.reads.asOf(actor, id, parseQuery(AsOfQuery, query));
  }

  @Get(':id/verify')
  @QueryDoc(
    "Recompute the archive's hash chains (its stream and its read log): verified, or the first broken link",
    undefined,
    'verifyArchive',
  )
  async verify(@Param('id') id: string, @CurrentActor() actor: Actor) {
    this.access.require(actor, 'read_history');
    return this.integrity.verifyArchive(id);
  }
}
