import type { ExportRecord } from './export-record';

export type ExportFormat = 'jsonl' | 'csv';

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export const CSV_COLUMNS = [
  'position',
  'recorded_at',
  'stream_id',
  'archive_id',
  'revision',
  'event_id',
  'type',
  'schema_version',
  'occurred_at',
  'actor_id',
  'actor_role',
  'actor_department',
  'actor_name',
  'reason',
  'correlation_id',
  'causation_id',
  'command_id',
  'data',
  'prev_hash',
  'hash',
] as const;

const csvRow = (r: ExportRecord): string => {
  const m = r.metadata;
  const cells = [
    r.position,
    r.recordedAt,
    r.streamId,
    r.archiveId ?? '',
    r.revision,
    r.eventId,
    r.type,
    String(r.schemaVersion),
    m.occurredAt,
    m.actor.id,
    m.actor.role,
    m.actor.department,
    m.actor.name ?? '',
    m.reason ?? '',
    m.correlationId,
    m.causationId,
    m.commandId ?? '',
    JSON.stringify(r.data),
    r.prevHash,
    r.hash,
  ];
  return cells.map(csvField).join(',') + '\r\n';
};

/** The text before the first record (the CSV header), and one record's text. */
export const formatter = (format: ExportFormat) =>
  format === 'csv'
    ? { header: CSV_COLUMNS.join(',') + '\r\n', record: csvRow }
    : { header: '', record: (r: ExportRecord) => JSON.stringify(r) + '\n' };
