import { Inject, Injectable } from '@nestjs/common';
import type * as t from 'io-ts';
import { sql } from 'kysely';
import type { ListQuery } from './query-codecs';
import type { Page } from './read-models.service';
import { ReadModelsService, decimal } from './read-models.service';

export interface ListedArchive {
  readonly archiveId: string;
  readonly number: string;
  readonly name: string;
  readonly shortName: string | null;
  readonly tier: string;
  readonly status: string;
  readonly customerStatus: string;
  readonly industry: string;
  readonly region: string;
  readonly nature: string;
  readonly custodian: string;
  readonly department: string;
  readonly secrecyLevel: string;
  readonly createdAt: string;
  readonly revision: string;
  readonly position: string;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** GET /archives: the list read model, filtered, in keyset pages ordered by archive id. */
@Injectable()
export class ArchiveListService {
  constructor(@Inject(ReadModelsService) private readonly readModels: ReadModelsService) {}

  async list(q: t.TypeOf<typeof ListQuery>): Promise<Page<ListedArchive>> {
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db
      .selectFrom(this.readModels.table('archive-list', 'archive_list'))
      .selectAll();
    const filters: [string, string | undefined][] = [
      ['tier', q.tier],
      ['status', q.status],
      ['customer_status', q.customerStatus],
      ['industry', q.industry],
      ['region', q.region],
      ['nature', q.nature],
      ['custodian_id', q.custodian],
      ['department', q.department],
      ['secrecy_level', q.secrecyLevel],
    ];
    for (const [column, value] of filters) if (value !== undefined) query = query.where(column, '=', value);
    if (q.q !== undefined) {
      const pattern = likePattern(q.q);
      const like = (column: string) => sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
      query = query.where((eb) => eb.or([like('name'), like('short_name'), like('number')]));
    }
    if (q.cursor !== undefined) query = query.where('archive_id', '>', q.cursor);
    const rows = await query
      .orderBy('archive_id')
      .limit(limit + 1)
      .execute();
    return this.readModels.page(
      rows,
      limit,
      (r): ListedArchive => ({
        archiveId: r.archive_id as string,
        number: r.number as string,
        name: r.name as string,
        shortName: (r.short_name as string | null) ?? null,
        tier: r.tier as string,
        status: r.status as string,
        customerStatus: r.customer_status as string,
        industry: r.industry as string,
        region: r.region as string,
        nature: r.nature as string,
        custodian: r.custodian_id as string,
        department: r.department as string,
        secrecyLevel: r.secrecy_level as string,
        createdAt: r.created_at as string,
        revision: decimal(r.revision),
        position: decimal(r.position),
      }),
      (r) => r.archive_id as string,
    );
  }
}
