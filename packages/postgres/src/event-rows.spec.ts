import { fromProjectableRow } from './event-rows';

const metadata = { actor: { id: 'u', role: 'admin' }, occurredAt: '2026-01-01T00:00:00.000Z' } as never;

describe('a rebuild reads each event of PostgreSQL as one joined text and three values (issue #4)', () => {
  it('takes the position, revision and version apart, past 2^53, and the type as the rest, spaces and all', () => {
    const e = fromProjectableRow([
      '9007199254740993 12 2 Some Type with spaces',
      'archive-x',
      { a: 1 },
      metadata,
    ]);
    expect(e).toEqual({
      streamId: 'archive-x',
      position: 9007199254740993n,
      revision: 12n,
      schemaVersion: 2,
      type: 'Some Type with spaces',
      data: { a: 1 },
      metadata,
    });
  });

  it('refuses a joined text that does not hold the three numbers', () => {
    for (const head of ['12 3 TypeOnly', '', ' 1 2 T', '1  2 T'])
      expect(() => fromProjectableRow([head, 's', null, metadata])).toThrow('unreadable event row');
  });
});
