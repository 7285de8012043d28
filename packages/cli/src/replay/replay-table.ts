import { isRedacted } from '@dossier/core';
import { renderTable } from '../cli/table';
import { flatten } from './field-diffs';
import type { ReplayAnswer } from './replay-answer';

/** A value in a table cell: `—` for absent, markers in words, strings as they are, the rest as JSON. */
export const cell = (v: unknown): string => {
  if (v === undefined || v === null) return '—';
  if (isRedacted(v)) return '(destroyed)';
  if (typeof v === 'object' && (v as { $personal?: unknown }).$personal === 'withheld') return '(withheld)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
};

const asOfText = (a: ReplayAnswer['asOf']) =>
  'at' in a ? `as of ${a.at}` : 'revision' in a ? `at revision ${a.revision}` : 'now';

/** The terminal form of a replay: a header, a table of field changes per event, then the state. */
export const replayTable = (answer: ReplayAnswer, maxCell?: number): string => {
  const state = answer.archive as { status?: string; number?: string };
  const options = { indent: '    ', ...(maxCell ? { maxCell } : {}) };
  const out: string[] = [
    `Archive ${answer.archiveId}${state.number ? ` (${state.number})` : ''} ${asOfText(answer.asOf)}`,
    `revision ${answer.revision} of ${answer.currentRevision} · position ${answer.position} · recorded ${answer.recordedAt} · status ${state.status ?? '?'}`,
    '',
    `Changes that led there (${answer.changes.length} event${answer.changes.length === 1 ? '' : 's'}):`,
  ];
  for (const c of answer.changes) {
    out.push(
      '',
      [
        `rev ${c.revision}`,
        `position ${c.position}`,
        `recorded ${c.recordedAt}`,
        c.type,
        `by ${c.actor.id} (${c.actor.role})`,
        ...(c.reason ? [`reason: ${c.reason}`] : []),
      ].join('  ·  '),
    );
    if (c.fields.length === 0) out.push("    (no field of the archive's state changed)");
    else
      out.push(
        ...renderTable(
          ['field', 'before', 'after'],
          c.fields.map((f) => [f.field, cell(f.before), cell(f.after)]),
          options,
        ),
      );
  }
  const leaves = [...flatten(answer.archive).entries()];
  out.push(
    '',
    `State at revision ${answer.revision}:`,
    ...renderTable(
      ['field', 'value'],
      leaves.map(([k, v]) => [k, cell(v)]),
      options,
    ),
  );
  return out.join('\n') + '\n';
};
