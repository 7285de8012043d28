import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@dossier/core';
import { CurrentActor } from '../identity/auth.guard';
import { AccessService } from './access.service';
import { BoardsService } from './boards.service';
import { QueryDoc } from './query-docs';
import { ContactBoardQuery, SlaBoardQuery, parseQuery } from './query-codecs';
import { ReadModelsService } from './read-models.service';

/** The contact board and the SLA board. */
@ApiTags('boards')
@ApiBearerAuth()
@Controller('boards')
export class BoardsController {
  constructor(
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(BoardsService) private readonly boards: BoardsService,
  ) {}

  @Get('contacts')
  @QueryDoc(
    '客户联络一览表: last and next phone call / visit per archive, due or overdue today',
    ContactBoardQuery,
    'contactBoard',
  )
  async contacts(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(ContactBoardQuery, query);
    this.access.require(actor, 'list');
    await this.readModels.waitAfter(q.after);
    return this.boards.contacts(q);
  }

  @Get('sla')
  @QueryDoc(
    'Update SLA board: information receipts and their 1-day / 2-day deadlines',
    SlaBoardQuery,
    'slaBoard',
  )
  async sla(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(SlaBoardQuery, query);
    this.access.require(actor, 'list');
    await this.readModels.waitAfter(q.after);
    return this.boards.sla(q);
  }
}
