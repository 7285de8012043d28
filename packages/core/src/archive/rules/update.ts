import { right } from 'fp-ts/Either';
import type { FieldChange } from '../../events/archive-events';
import { canonicalJson } from '../../integrity/canonical-json';
import { containsRedacted } from '../../privacy/personal-fields';
import type { CommandOf } from '../commands';
import { invalid, reject } from '../errors';
import type { ArchiveData } from '../state';
import type { Decision } from './context';
import { event, staffOf } from './context';

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** The field-level diff a patch makes against the current profile. */
export const diffProfile = (
  archive: ArchiveData,
  patch: CommandOf<'UpdateArchive'>['changes'],
): FieldChange[] => {
  const changes: FieldChange[] = [];
  for (const group of ['company', 'classification', 'business'] as const) {
    const p = patch[group] as Record<string, unknown> | undefined;
    if (!p) continue;
    const current = archive.profile[group] as Record<string, unknown>;
    for (const key of Object.keys(p).sort()) {
      if (p[key] === undefined || same(current[key], p[key])) continue;
      changes.push({
        field: `${group}.${key}` as FieldChange['field'],
        before: current[key] ?? null,
        after: p[key],
      });
    }
  }
  if (patch.people && !same(archive.profile.people, patch.people))
    changes.push({
      field: 'people' as FieldChange['field'],
      before: archive.profile.people,
      after: patch.people,
    });
  return changes;
};

/** 更新 (DOMAIN.md §2, §3): a change that changes nothing is rejected; it may resolve open receipts. */
export const update = (c: CommandOf<'UpdateArchive'>, archive: ArchiveData): Decision => {
  if (containsRedacted(c.changes)) return invalid('changes', 'cannot write destroyed markers');
  const changes = diffProfile(archive, c.changes);
  const resolves = c.resolves ?? [];
  for (const id of resolves) {
    const r = archive.receipts[id];
    if (!r)
      return reject(
        'update.unknown-receipt',
        'DOMAIN.md §3',
        `information receipt ${id} is not on this archive`,
      );
    if (r.resolvedAt)
      return reject(
        'update.receipt-resolved',
        'DOMAIN.md §3',
        `information receipt ${id} was already resolved`,
      );
  }
  if (changes.length === 0)
    return reject(
      'update.no-change',
      'DOMAIN.md §2 (更新)',
      'the update changes nothing: every field already has that value',
    );
  return right([
    event('ArchiveUpdated', {
      changes,
      reason: c.reason,
      resolves,
      updatedBy: staffOf(c.actor),
      at: c.issuedAt,
    }),
  ]);
};
