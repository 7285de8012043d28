import { Inject, Injectable } from '@nestjs/common';
import type { Action, Actor, ArchiveAccessView } from '@dossier/core';
import { decideAccess } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';

/** DOMAIN.md §6 for queries: allowed with the grant used, or a 403 problem naming the rule. */
@Injectable()
export class AccessService {
  constructor(@Inject(DOSSIER) private readonly dossier: Dossier) {}

  require(actor: Actor, action: Action, view?: ArchiveAccessView): string {
    const d = decideAccess(this.dossier.config, actor, action, view);
    if (d._tag === 'allow') return d.grant;
    throw problems.forbidden(d.rule, `access.${d._tag}`, 'DOMAIN.md §6');
  }
}
