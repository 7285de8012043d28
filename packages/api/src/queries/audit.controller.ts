import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import * as t from 'io-ts';
import type { Actor } from '@dossier/core';
import { toValidationError } from '@dossier/core';
import { problems } from '../http/problem';
import { CurrentActor } from '../identity/auth.guard';
import { IntegrityService } from '../integrity/integrity.service';
import { schemaOf } from '../openapi/schemas';
import { AccessService } from './access.service';
import { AuditLogService } from './audit-log.service';
import { QueryDoc } from './query-docs';
import { ChangesQuery, ReadsQuery, VerifyQuery, parseQuery } from './query-codecs';
import { ReadModelsService } from './read-models.service';

/** A digest as GET /audit/digest answers it, sent back whole to name the first stream head that differs. */
const DigestBody = t.intersection(
  [
    t.type({ token: t.string }),
    t.partial({
      heads: t.array(t.type({ streamId: t.string, revision: t.string, position: t.string, hash: t.string })),
    }),
  ],
  'Digest',
);

/** Compliance and integrity: changes, reads, whole-log verification, signed digests. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(IntegrityService) private readonly integrity: IntegrityService,
  ) {}

  @Get('changes')
  @QueryDoc('Every change: who changed what, from what to what, when and why', ChangesQuery, 'auditChanges')
  async changes(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(ChangesQuery, query);
    this.access.require(actor, 'audit');
    await this.readModels.waitAfter(q.after);
    return this.audit.changes(q);
  }

  @Get('reads')
  @QueryDoc(
    'Every read of archive detail: who, which archive, when, under which grant',
    ReadsQuery,
    'auditReads',
  )
  async reads(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(ReadsQuery, query);
    this.access.require(actor, 'audit');
    await this.readModels.waitAfter(q.after);
    return this.audit.reads(q);
  }

  @Get('verify')
  @QueryDoc(
    'Recompute every hash chain of the log (verified, or the first broken link); with ?digest= also prove nothing up to that digest changed',
    VerifyQuery,
    'verifyLog',
  )
  async verify(@Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(VerifyQuery, query);
    this.access.require(actor, 'audit');
    return q.digest !== undefined ? this.integrity.verifyDigest(q.digest) : this.integrity.verifyAll();
  }

  @Post('verify')
  @HttpCode(200)
  @ApiBody({ schema: schemaOf(DigestBody) })
  @QueryDoc(
    'Verify against a whole digest (token and heads): names the first stream head that differs',
    undefined,
    'verifyDigest',
  )
  async verifyDigest(@Body() body: unknown, @CurrentActor() actor: Actor) {
    this.access.require(actor, 'audit');
    const d = DigestBody.decode(body);
    if (d._tag === 'Left') {
      const err = toValidationError(d.left, 'digest');
      throw problems.badRequest(err.message, err.errors);
    }
    return this.integrity.verifyDigest(d.right.token, d.right.heads);
  }

  @Get('digest')
  @QueryDoc(
    'A signed (Ed25519) digest of every stream head: position, hashes, signature — keep it',
    undefined,
    'digest',
  )
  async digest(@CurrentActor() actor: Actor) {
    this.access.require(actor, 'audit');
    return this.integrity.digest();
  }
}
