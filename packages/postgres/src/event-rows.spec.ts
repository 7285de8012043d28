import { projectableOf } from '@dossier/core/testing';
import { fromProjectableRow } from './event-rows';

const metadata = { actor: { id: 'u', role: 'admin' }, occurredAt: '2026-01-01T00:00:00.000Z' };
const metadataText = JSON.stringify(metadata);

describe('a rebuild reads each event of PostgreSQL as one joined text, data and metadata (issue #4)', () => {
  it('takes the numbers apart (past 2^53), then the type by its length, spaces and all, then the stream', () => {
    const e = fromProjectableRow([
      '9007199254740993 12 2 21 Some Type with spacesarchive-x y',
      { a: 1 },
      metadataText,
    ]);
    expect(projectableOf(e)).toEqual({
      streamId: 'archive-x y',
      position: 9007199254740993n,
      revision: 12n,
      schemaVersion: 2,
      type: 'Some Type with spaces',
      data: { a: 1 },
      metadata,
    });
  });

  it("counts the type's length in UTF-8 bytes, as the server gives it, beyond ASCII too", () => {
    // '档案𝌆' is 10 bytes, 3 characters and 4 UTF-16 units
    const e = fromProjectableRow(['1 0 1 10 档案𝌆stream-𝌆', null, metadataText]);
    expect(e.type).toBe('档案𝌆');
    expect(e.streamId).toBe('stream-𝌆');
  });

  it('refuses a joined text that does not hold the four numbers', () => {
    for (const head of ['12 3 1 TypeOnly', '', ' 1 2 3 T', '1  2 3 T'])
      expect(() => fromProjectableRow([head, null, metadataText])).toThrow('unreadable event row');
  });

  it('parses the metadata when it is first read, once, and writes it out as JSON with the rest', () => {
    const e = fromProjectableRow(['7 0 1 1 Xarchive-1', { a: 1 }, metadataText]);
    expect(e.metadata).toEqual(metadata);
    expect(e.metadata).toBe(e.metadata);
    expect(JSON.parse(JSON.stringify({ ...e, position: 7, revision: 0 }))).not.toHaveProperty('metadata');
    expect(JSON.parse(JSON.stringify(e, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))).toEqual(
      {
        streamId: 'archive-1',
        position: '7',
        revision: '0',
        type: 'X',
        schemaVersion: 1,
        data: { a: 1 },
        metadata,
      },
    );
  });
});
