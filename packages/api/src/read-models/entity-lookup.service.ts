import { Inject, Injectable } from '@nestjs/common';
import { API_SETTINGS, DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import type { ApiSettings } from '../settings';
import type { EntityKind } from './entity-index';
import { ENTITY_INDEX, ENTITY_TABLE } from './entity-index';

/** Borrowing / disclosure / destruction id → its archive, from the entity index read model. */
@Injectable()
export class EntityLookupService {
  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {}

  private async find(kind: EntityKind, id: string): Promise<string[]> {
    const rows = await this.dossier.readDb
      .selectFrom(this.dossier.runner.table(ENTITY_INDEX, ENTITY_TABLE))
      .select('archive_id')
      .where('kind', '=', kind)
      .where('entity_id', '=', id)
      .limit(2)
      .execute();
    return rows.map((r) => r.archive_id as string);
  }

  /** The archive of a borrowing (…); when the index has not seen it yet, wait (bounded) for the head of the log. */
  async archiveOf(kind: EntityKind, id: string): Promise<string> {
    let found = await this.find(kind, id);
    if (found.length === 0) {
      const head = await this.dossier.events.headPosition();
      await this.dossier.runner.waitFor(head, this.settings.waitTimeoutMs);
      found = await this.find(kind, id);
    }
    if (found.length === 0) throw problems.notFound(`there is no ${kind} ${id}`, `${kind}.not-found`);
    if (found.length > 1)
      throw problems.conflict(
        `${kind} id ${id} is used on more than one archive; address it through its archive`,
        `${kind}.ambiguous-id`,
        'DOMAIN.md §2',
      );
    return found[0]!;
  }
}
