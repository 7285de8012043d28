import { Inject, Injectable } from '@nestjs/common';
import type { ArchiveState } from '@dossier/core';
import { DOSSIER, API_SETTINGS } from '../app/tokens';
import type { Dossier, ReadDb } from '../compose';
import { problems } from '../http/problem';
import type { ApiSettings } from '../settings';

export interface DetailRow {
  readonly archiveId: string;
  readonly state: ArchiveState;
  readonly revision: bigint;
  readonly position: bigint;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly next: string | null;
}

export const DEFAULT_LIMIT = 100;

/** The read models' physical tables and read-your-writes (`?after=`), for every query. */
@Injectable()
export class ReadModelsService {
  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {}

  get db(): ReadDb {
    return this.dossier.readDb;
  }

  table(readModel: string, base: string): string {
    return this.dossier.runner.table(readModel, base);
  }

  /** `?after=<position>`: wait (bounded) until the read models have applied that position, else 503. */
  async waitAfter(after: string | undefined): Promise<void> {
    if (after === undefined) return;
    const position = BigInt(after);
    if (await this.dossier.runner.waitFor(position, this.settings.waitTimeoutMs)) return;
    throw problems.notCaughtUp(
      `the read models have not reached position ${position} within ${this.settings.waitTimeoutMs} ms; retry`,
    );
  }

  async detail(archiveId: string): Promise<DetailRow | undefined> {
    const row = await this.db
      .selectFrom(this.table('archive-detail', 'archive_detail'))
      .select(['state', 'revision', 'position'])
      .where('archive_id', '=', archiveId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      archiveId,
      state: JSON.parse(row.state as string) as ArchiveState,
      revision: BigInt(row.revision as string),
      position: BigInt(row.position as string),
    };
  }

  async requireDetail(archiveId: string): Promise<DetailRow> {
    const row = await this.detail(archiveId);
    if (!row || row.state.status === 'none')
      throw problems.notFound(
        `archive ${archiveId} does not exist (or the read model has not seen it yet: use ?after=)`,
        'archive.not-found',
      );
    return row;
  }

  limitOf(limit: string | undefined): number {
    return limit === undefined ? DEFAULT_LIMIT : Number(limit);
  }

  /** A page of rows fetched with one more than the limit: the extra one says there is a next page. */
  page<R, T>(rows: readonly R[], limit: number, map: (r: R) => T, cursor: (r: R) => string): Page<T> {
    const items = rows.slice(0, limit);
    return {
      items: items.map(map),
      next: rows.length > limit && items.length ? cursor(items.at(-1)!) : null,
    };
  }
}

/** bigint columns come back as numbers (SQLite) or strings (PostgreSQL): always decimal strings here. */
export const decimal = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
