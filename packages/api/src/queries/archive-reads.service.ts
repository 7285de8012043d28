import { Inject, Injectable } from '@nestjs/common';
import type { Actor, ArchiveState, Json } from '@dossier/core';
import {
  REDACTED,
  accessView,
  archiveStream,
  decodeRecorded,
  evolve,
  initialState,
  openPersonal,
  openerFor,
} from '@dossier/core';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import { AccessService } from './access.service';
import { withholdPersonal } from './personal-values';
import { ReadLogService } from './read-log.service';
import type { Page } from './read-models.service';
import { ReadModelsService, decimal } from './read-models.service';
import { afterHistoryCursor } from './history-cursor';

export interface DetailAnswer {
  readonly archiveId: string;
  readonly revision: string;
  readonly position: string;
  readonly status: string;
  /** The grant the read used (role, custodian, or a borrowing), as recorded in the read log. */
  readonly grant: string;
  /** Where the read was recorded in the global log. */
  readonly readPosition: string;
  readonly archive: unknown;
}

export interface HistoryEntry {
  readonly position: string;
  readonly revision: string;
  readonly eventType: string;
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly actor: { readonly id: string; readonly role: string };
  readonly at: string;
  readonly reason: string | null;
}

const view = (state: ArchiveState, archiveId: string) => {
  const v = accessView(state);
  if (!v) throw problems.notFound(`archive ${archiveId} does not exist`, 'archive.not-found');
  return v;
};

/** The reads of one archive's content: detail (decrypted, logged), history and as-of (personal values withheld). */
@Injectable()
export class ArchiveReadsService {
  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(ReadModelsService) private readonly readModels: ReadModelsService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ReadLogService) private readonly readLog: ReadLogService,
  ) {}

  /** GET /archives/{id}: access-checked on the detail read model's state, recorded, personal fields opened. */
  async detail(
    actor: Actor,
    archiveId: string,
    purpose?: string,
    correlationId?: string,
  ): Promise<DetailAnswer> {
    const row = await this.readModels.requireDetail(archiveId);
    const grant = this.access.require(actor, 'read_detail', view(row.state, archiveId));
    const readPosition = await this.readLog.record(
      actor,
      archiveId,
      grant,
      purpose ?? 'detail',
      correlationId,
    );
    const key = await this.dossier.keys.get(archiveId);
    const archive = openPersonal(row.state as unknown as Json, key ? openerFor(key, archiveId) : undefined);
    return {
      archiveId,
      revision: row.revision.toString(),
      position: row.position.toString(),
      status: row.state.status,
      grant,
      readPosition: readPosition.toString(),
      archive,
    };
  }

  /** GET /archives/{id}/history: field-level diffs from the change history read model (a logged read). */
  async history(
    actor: Actor,
    archiveId: string,
    q: { limit?: string; cursor?: string; purpose?: string },
  ): Promise<Page<HistoryEntry> & { grant: string }> {
    const row = await this.readModels.requireDetail(archiveId);
    const grant = this.access.require(actor, 'read_history', view(row.state, archiveId));
    await this.readLog.record(actor, archiveId, grant, q.purpose ?? 'history');
    const limit = this.readModels.limitOf(q.limit);
    let query = this.readModels.db
      .selectFrom(this.readModels.table('change-history', 'change_history'))
      .selectAll()
      .where('archive_id', '=', archiveId);
    if (q.cursor) query = query.where(afterHistoryCursor(q.cursor));
    const rows = await query
      .orderBy('position')
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    const page = this.readModels.page(
      rows,
      limit,
      (r): HistoryEntry => ({
        position: decimal(r.position),
        revision: decimal(r.revision),
        eventType: r.event_type as string,
        field: r.field as string,
        before: withholdPersonal(r.before === null ? null : JSON.parse(r.before as string)),
        after: withholdPersonal(r.after === null ? null : JSON.parse(r.after as string)),
        actor: { id: r.actor_id as string, role: r.actor_role as string },
        at: r.at as string,
        reason: (r.reason as string | null) ?? null,
      }),
      (r) => `${decimal(r.position)}.${String(r.seq)}`,
    );
    return { ...page, grant };
  }

  /**
   * GET /archives/{id}/as-of: the state replayed from the archive's own events (not from a read model) up to a
   * recorded time or a revision. Access is judged on the archive as it is now; personal values stay withheld.
   */
  async asOf(actor: Actor, archiveId: string, q: { at?: string; revision?: string; purpose?: string }) {
    if ((q.at === undefined) === (q.revision === undefined))
      throw problems.badRequest('give exactly one of ?at=<ISO time> or ?revision=<n>', [
        { path: 'query:at', rule: 'exactly one of at, revision' },
      ]);
    const recorded = await this.dossier.events.readStream(archiveStream(archiveId));
    if (recorded.length === 0)
      throw problems.notFound(`archive ${archiveId} does not exist`, 'archive.not-found');
    const bound = q.revision !== undefined ? BigInt(q.revision) : undefined;
    let now: ArchiveState = initialState;
    let then: ArchiveState = initialState;
    let last: (typeof recorded)[number] | undefined;
    for (const r of recorded) {
      const d = decodeRecorded(r, 'sealed', archiveId);
      if (d._tag === 'Left') throw problems.internal(d.left.message);
      now = evolve(now, d.right.event);
      const included = bound !== undefined ? r.revision <= bound : r.recordedAt <= q.at!;
      if (included) {
        then = evolve(then, d.right.event);
        last = r;
      }
    }
    const grant = this.access.require(actor, 'read_history', view(now, archiveId));
    await this.readLog.record(actor, archiveId, grant, q.purpose ?? 'as-of');
    if (!last)
      throw problems.notFound(
        `archive ${archiveId} did not exist ${q.at ? `at ${q.at}` : `at revision ${q.revision}`}`,
        'archive.not-yet',
      );
    return {
      archiveId,
      asOf: q.at !== undefined ? { at: q.at } : { revision: q.revision },
      revision: last.revision.toString(),
      position: last.position.toString(),
      recordedAt: last.recordedAt,
      currentRevision: recorded.at(-1)!.revision.toString(),
      grant,
      archive: withholdPersonal(
        then,
        (await this.dossier.keys.isDestroyed(archiveId)) ? REDACTED : undefined,
      ),
    };
  }
}
