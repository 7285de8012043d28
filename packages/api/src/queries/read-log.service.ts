import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@dossier/core';
import { readLogStream } from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import { archiveReadEvent } from './read-event';

/**
 * DOMAIN.md §6: every read of archive detail is recorded (who, what, when, under which grant) as an ArchiveRead
 * event in the archive's read-log stream — never the archive's own, so reading never changes its revision.
 * The read is recorded before the detail is answered: no record, no detail.
 */
@Injectable()
export class ReadLogService {
  constructor(@Inject(DOSSIER) private readonly dossier: Dossier) {}

  async record(
    actor: Actor,
    archiveId: string,
    grant: string,
    purpose?: string,
    correlationId?: string,
  ): Promise<bigint> {
    const at = this.dossier.clock.now().toISOString();
    const event = archiveReadEvent(actor, archiveId, grant, at, purpose, correlationId);
    const res = await this.dossier.events.append(readLogStream(archiveId), [event], 'any');
    if (res._tag === 'Left')
      throw problems.internal('the read could not be recorded, so it is not answered; retry');
    return res.right.position;
  }
}
