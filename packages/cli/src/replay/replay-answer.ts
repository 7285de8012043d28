import type { PersonalValues } from '../personal/personal-values';
import type { ArchiveReplay } from './replay-archive';

export interface ChangeAnswer {
  readonly revision: string;
  readonly position: string;
  readonly recordedAt: string;
  readonly type: string;
  readonly actor: {
    readonly id: string;
    readonly role: string;
    readonly department: string;
    readonly name?: string;
  };
  readonly occurredAt: string;
  readonly reason: string | null;
  /** `null` where the field was (or is) absent. */
  readonly fields: readonly { readonly field: string; readonly before: unknown; readonly after: unknown }[];
}

/**
 * The JSON answer of `dossier replay`: the fields of the API's as-of answer (`archiveId`, `asOf`, `revision`,
 * `position`, `recordedAt`, `currentRevision`, `archive`; no `grant`, the operator reads the store itself) and
 * `changes`, the events that led there with the fields each changed.
 */
export interface ReplayAnswer {
  readonly archiveId: string;
  readonly asOf: { readonly at: string } | { readonly revision: string } | { readonly latest: true };
  readonly revision: string;
  readonly position: string;
  readonly recordedAt: string;
  readonly currentRevision: string;
  readonly archive: unknown;
  readonly changes: readonly ChangeAnswer[];
}

export const replayAnswer = async (
  replay: ArchiveReplay,
  personal: PersonalValues,
): Promise<ReplayAnswer> => {
  const { archiveId, bound } = replay;
  const open = (v: unknown) => personal.resolve(v, archiveId);
  const changes: ChangeAnswer[] = [];
  for (const step of replay.steps) {
    const r = step.recorded;
    const fields = [];
    for (const d of step.diffs)
      fields.push({
        field: d.field,
        before: (await open(d.before)) ?? null,
        after: (await open(d.after)) ?? null,
      });
    const actor = r.metadata.actor;
    changes.push({
      revision: r.revision.toString(),
      position: r.position.toString(),
      recordedAt: r.recordedAt,
      type: r.type,
      actor: {
        id: actor.id,
        role: actor.role,
        department: actor.department,
        ...(actor.name !== undefined ? { name: actor.name } : {}),
      },
      occurredAt: r.metadata.occurredAt,
      reason: r.metadata.reason ?? null,
      fields,
    });
  }
  return {
    archiveId,
    asOf:
      bound.at !== undefined
        ? { at: bound.at }
        : bound.revision !== undefined
          ? { revision: bound.revision.toString() }
          : { latest: true },
    revision: replay.last.revision.toString(),
    position: replay.last.position.toString(),
    recordedAt: replay.last.recordedAt,
    currentRevision: replay.current.revision.toString(),
    archive: await open(replay.state),
    changes,
  };
};
