import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@dossier/core';
import { CurrentActor } from '../identity/auth.guard';
import { AccessService } from './access.service';
import { QueryDoc } from './query-docs';
import {
  BorrowingRegisterQuery,
  DestructionRegisterQuery,
  DistributionQuery,
  parseQuery,
} from './query-codecs';
import { ReadModelsService } from './read-models.service';
import { RegistersService } from './registers.service';
import { ReportsService } from './reports.service';

/** The borrowing and destruction registers and the distribution report. */
@ApiTags('registers')
@ApiBearerAuth()
@Controller()
export class RegistersController {
  constructor(
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(RegistersService) private readonly registers: RegistersService,
    @Inject(ReportsService) private readonly reports: ReportsService,
  ) {}

  @Get('registers/borrowings')
  @QueryDoc(
    '借阅登记: every borrowing, its state, due time and whether it is overdue',
    BorrowingRegisterQuery,
    'borrowingRegister',
  )
  async borrowings(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(BorrowingRegisterQuery, query);
    this.access.require(actor, 'list');
    await this.readModels.waitAfter(q.after);
    return this.registers.borrowings(q);
  }

  @Get('registers/destructions')
  @QueryDoc(
    '销毁清册: every destruction, kept forever, without personal information',
    DestructionRegisterQuery,
    'destructionRegister',
  )
  async destructions(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(DestructionRegisterQuery, query);
    this.access.require(actor, 'list');
    await this.readModels.waitAfter(q.after);
    return this.registers.destructions(q);
  }

  @Get('reports/distribution')
  @QueryDoc(
    'Distribution by tier, industry, region and nature; movements between tiers by month',
    DistributionQuery,
    'distributionReport',
  )
  async distribution(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(DistributionQuery, query);
    this.access.require(actor, 'list');
    await this.readModels.waitAfter(q.after);
    return this.reports.distribution(q);
  }
}
