import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ArchiveCommandsController } from '../commands/archive-commands.controller';
import { CommandService } from '../commands/command.service';
import {
  BorrowingCommandsController,
  DestructionCommandsController,
  DisclosureCommandsController,
} from '../commands/entity-commands.controller';
import type { Dossier } from '../compose';
import { ProblemFilter } from '../http/problem.filter';
import { AuthGuard, TOKEN_VERIFIER } from '../identity/auth.guard';
import { tokenVerifier } from '../identity/jwt';
import { IntegrityService } from '../integrity/integrity.service';
import { AccessService } from '../queries/access.service';
import { ArchiveListService } from '../queries/archive-list.service';
import { ArchiveQueriesController } from '../queries/archive-queries.controller';
import { ArchiveReadsService } from '../queries/archive-reads.service';
import { AuditLogService } from '../queries/audit-log.service';
import { AuditController } from '../queries/audit.controller';
import { BoardsController } from '../queries/boards.controller';
import { BoardsService } from '../queries/boards.service';
import { ReadLogService } from '../queries/read-log.service';
import { ReadModelsService } from '../queries/read-models.service';
import { RegistersController } from '../queries/registers.controller';
import { RegistersService } from '../queries/registers.service';
import { ReportsService } from '../queries/reports.service';
import { EntityLookupService } from '../read-models/entity-lookup.service';
import type { ApiSettings } from '../settings';
import { FeedModule } from '../feed/feed.module';
import { HealthController } from './health.controller';
import { API_SETTINGS, DOSSIER } from './tokens';

/** The whole API as one Nest module, over an already composed Dossier. */
@Module({})
export class ApiModule {
  static forRoot(dossier: Dossier, settings: ApiSettings): DynamicModule {
    return {
      module: ApiModule,
      imports: [FeedModule.forRoot(dossier, settings)],
      controllers: [
        HealthController,
        ArchiveCommandsController,
        BorrowingCommandsController,
        DisclosureCommandsController,
        DestructionCommandsController,
        ArchiveQueriesController,
        BoardsController,
        RegistersController,
        AuditController,
      ],
      providers: [
        { provide: DOSSIER, useValue: dossier },
        { provide: API_SETTINGS, useValue: settings },
        { provide: TOKEN_VERIFIER, useValue: tokenVerifier(settings.identity) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        CommandService,
        EntityLookupService,
        ReadModelsService,
        AccessService,
        ReadLogService,
        ArchiveReadsService,
        ArchiveListService,
        BoardsService,
        RegistersService,
        ReportsService,
        AuditLogService,
        IntegrityService,
      ],
    };
  }
}
