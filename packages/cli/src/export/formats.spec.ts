import { CSV_COLUMNS, csvField, formatter } from './formats';
import type { ExportRecord } from './export-record';

const record: ExportRecord = {
  position: '7',
  recordedAt: '2025-01-01T00:00:00.000Z',
  streamId: 'archive-a1',
  archiveId: 'a1',
  revision: '2',
  eventId: 'e-7',
  type: 'ArchiveUpdated',
  schemaVersion: 1,
  metadata: {
    actor: { id: 'mm-1', role: 'marketing_manager', department: 'marketing', name: '王芳' },
    occurredAt: '2024-12-31T08:00:00.000Z',
    correlationId: 'c',
    causationId: 'c',
    reason: 'address, "moved"\nsecond line',
  },
  data: { changes: [{ field: 'company.address', before: 'a', after: 'b' }] },
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
};

describe('export formats', () => {
  it('quotes CSV fields only where RFC 4180 needs it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('CSV: a header, then one row per event with its data as JSON', () => {
    const csv = formatter('csv');
    expect(csv.header).toBe(CSV_COLUMNS.join(',') + '\r\n');
    const row = csv.record(record);
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row).toContain(',"address, ""moved""\nsecond line",');
    expect(row).toContain(`,"${JSON.stringify(record.data).replace(/"/g, '""')}",`);
  });

  it('JSON lines: the record as it is, one line each', () => {
    const jsonl = formatter('jsonl');
    expect(jsonl.header).toBe('');
    expect(JSON.parse(jsonl.record(record))).toEqual(record);
    expect(jsonl.record(record).split('\n')).toHaveLength(2);
  });
});
