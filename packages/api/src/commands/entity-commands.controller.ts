import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dossier/core';
import { CurrentActor } from '../identity/auth.guard';
import { EntityLookupService } from '../read-models/entity-lookup.service';
import type { EntityKind } from '../read-models/entity-index';
import type { CommandRoute } from './command-bodies';
import { CommandDoc } from './command-docs';
import { runCommand } from './command-http';
import { CommandService } from './command.service';
import { routes } from './routes';

/** Commands addressed by a borrowing, disclosure or destruction id: the archive comes from the entity index. */
abstract class EntityCommands {
  constructor(
    protected readonly commands: CommandService,
    protected readonly lookup: EntityLookupService,
    private readonly kind: EntityKind,
  ) {}

  protected async run(
    route: CommandRoute,
    id: string,
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
  ) {
    const archiveId = await this.lookup.archiveOf(this.kind, id);
    return runCommand(this.commands, route, req, reply, actor, { archiveId, pathId: id });
  }
}

/** 借阅: approve, reject, lend (借出), return (归还). */
@ApiTags('commands')
@ApiBearerAuth()
@Controller('borrowings')
export class BorrowingCommandsController extends EntityCommands {
  constructor(
    @Inject(CommandService) commands: CommandService,
    @Inject(EntityLookupService) lookup: EntityLookupService,
  ) {
    super(commands, lookup, 'borrowing');
  }

  @Post(':bid/approve')
  @HttpCode(200)
  @CommandDoc(routes.approveBorrow, 'Approve a borrowing (never by the requester)')
  approve(
    @Param('bid') bid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.approveBorrow, bid, req, reply, actor);
  }

  @Post(':bid/reject')
  @HttpCode(200)
  @CommandDoc(routes.rejectBorrow, 'Reject a borrowing')
  reject(
    @Param('bid') bid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.rejectBorrow, bid, req, reply, actor);
  }

  @Post(':bid/lend')
  @HttpCode(200)
  @CommandDoc(routes.lend, '借出: lend the archive to the requester (customer service)')
  lend(
    @Param('bid') bid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.lend, bid, req, reply, actor);
  }

  @Post(':bid/return')
  @HttpCode(200)
  @CommandDoc(routes.giveBack, '归还: register the return and its condition (customer service)')
  giveBack(
    @Param('bid') bid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.giveBack, bid, req, reply, actor);
  }
}

/** 对外提供: two approvals (department head and marketing director), then the disclosure. */
@ApiTags('commands')
@ApiBearerAuth()
@Controller('disclosures')
export class DisclosureCommandsController extends EntityCommands {
  constructor(
    @Inject(CommandService) commands: CommandService,
    @Inject(EntityLookupService) lookup: EntityLookupService,
  ) {
    super(commands, lookup, 'disclosure');
  }

  @Post(':did/approve')
  @HttpCode(200)
  @CommandDoc(
    routes.approveDisclosure,
    'Approve an external disclosure (department head, marketing director)',
  )
  approve(
    @Param('did') did: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.approveDisclosure, did, req, reply, actor);
  }

  @Post(':did/disclose')
  @HttpCode(200)
  @CommandDoc(routes.disclose, 'Make the disclosure once both approvals are in')
  disclose(
    @Param('did') did: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.disclose, did, req, reply, actor);
  }
}

/** 销毁: approve, then execute before two witnesses (监销人). */
@ApiTags('commands')
@ApiBearerAuth()
@Controller('destructions')
export class DestructionCommandsController extends EntityCommands {
  constructor(
    @Inject(CommandService) commands: CommandService,
    @Inject(EntityLookupService) lookup: EntityLookupService,
  ) {
    super(commands, lookup, 'destruction');
  }

  @Post(':xid/approve')
  @HttpCode(200)
  @CommandDoc(routes.approveDestruction, 'Approve a destruction (never by the requester)')
  approve(
    @Param('xid') xid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.approveDestruction, xid, req, reply, actor);
  }

  @Post(':xid/execute')
  @HttpCode(200)
  @CommandDoc(
    routes.executeDestruction,
    'Execute a destruction before two supervising witnesses; personal data becomes unreadable',
  )
  execute(
    @Param('xid') xid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return this.run(routes.executeDestruction, xid, req, reply, actor);
  }
}
