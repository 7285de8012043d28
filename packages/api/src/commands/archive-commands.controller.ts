import { Controller, HttpCode, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dossier/core';
import { CurrentActor } from '../identity/auth.guard';
import { CommandDoc } from './command-docs';
import { runCommand } from './command-http';
import { CommandService } from './command.service';
import { routes } from './routes';

/** 建档, 更新 and the other commands addressed to one archive. */
@ApiTags('commands')
@ApiBearerAuth()
@Controller('archives')
export class ArchiveCommandsController {
  constructor(@Inject(CommandService) private readonly commands: CommandService) {}

  @Post()
  @HttpCode(201)
  @CommandDoc(routes.create, '建档: create an archive', true)
  async create(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    const body = await runCommand(this.commands, routes.create, req, reply, actor, {});
    void reply.header('location', `/archives/${encodeURIComponent(body.archiveId)}`);
    return body;
  }

  @Patch(':id')
  @HttpCode(200)
  @CommandDoc(routes.update, '更新: a field-level change set, with a reason and the receipts it resolves')
  update(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.update, req, reply, actor, { archiveId: id });
  }

  @Post(':id/information')
  @HttpCode(200)
  @CommandDoc(
    routes.information,
    '获取信息: new information received (receivedAt may lie in the past); opens the update clock',
  )
  information(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.information, req, reply, actor, { archiveId: id });
  }

  @Post(':id/contacts')
  @HttpCode(200)
  @CommandDoc(routes.contact, 'Log a contact (phone / visit / other)')
  contact(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.contact, req, reply, actor, { archiveId: id });
  }

  @Post(':id/transactions')
  @HttpCode(200)
  @CommandDoc(routes.transaction, 'Record a transaction with us')
  transaction(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.transaction, req, reply, actor, { archiveId: id });
  }

  @Post(':id/tier')
  @HttpCode(200)
  @CommandDoc(routes.tier, '升降级: change the tier')
  tier(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.tier, req, reply, actor, { archiveId: id });
  }

  @Post(':id/handover')
  @HttpCode(200)
  @CommandDoc(
    routes.handover,
    '移交: hand the archive over to another custodian (signed off by department head and customer service)',
  )
  handover(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.handover, req, reply, actor, { archiveId: id });
  }

  @Post(':id/secrecy')
  @HttpCode(200)
  @CommandDoc(routes.secrecy, '密级: change the secrecy level (customer service only)')
  secrecy(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.secrecy, req, reply, actor, { archiveId: id });
  }

  @Post(':id/holds')
  @HttpCode(200)
  @CommandDoc(routes.placeHold, '冻结: place a legal, audit or dispute hold')
  placeHold(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.placeHold, req, reply, actor, { archiveId: id });
  }

  @Post(':id/holds/:hid/release')
  @HttpCode(200)
  @CommandDoc(routes.releaseHold, 'Release a hold')
  releaseHold(
    @Param('id') id: string,
    @Param('hid') hid: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.releaseHold, req, reply, actor, { archiveId: id, pathId: hid });
  }

  @Post(':id/borrowings')
  @HttpCode(200)
  @CommandDoc(routes.requestBorrow, '借阅: request to borrow the archive')
  requestBorrow(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.requestBorrow, req, reply, actor, { archiveId: id });
  }

  @Post(':id/disclosures')
  @HttpCode(200)
  @CommandDoc(routes.requestDisclosure, '对外提供: request an external disclosure')
  requestDisclosure(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.requestDisclosure, req, reply, actor, { archiveId: id });
  }

  @Post(':id/destruction')
  @HttpCode(200)
  @CommandDoc(routes.requestDestruction, '销毁: request the destruction of the archive')
  requestDestruction(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.requestDestruction, req, reply, actor, { archiveId: id });
  }

  @Post(':id/findings')
  @HttpCode(200)
  @CommandDoc(routes.finding, 'Record a worker finding (the system role only; moot findings append nothing)')
  finding(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentActor() actor: Actor,
  ) {
    return runCommand(this.commands, routes.finding, req, reply, actor, { archiveId: id });
  }
}
