import { projectableOf } from '../testing/fixtures';
import { LazyProjectableEvent, MetadataNotRead } from './projectable-event';

const metadata = {
  actor: { id: 'mm-1', role: 'marketing_manager', department: 'marketing' },
  occurredAt: '2026-03-01T00:00:00.000Z',
  correlationId: 'c',
  causationId: 'c',
};
const anEvent = (metadataText = JSON.stringify(metadata)) =>
  new LazyProjectableEvent('archive-1', 3n, 42n, 'TierChanged', 1, { from: 'B', to: 'A' }, metadataText);

describe('an event as a rebuild reads it, its metadata parsed when first read (issue #4 runner)', () => {
  it('given the stored text, when its metadata is read twice, then it is the parsed object, the same both times', () => {
    const e = anEvent();
    expect(e.metadata).toEqual(metadata);
    expect(e.metadata).toBe(e.metadata);
  });

  it('is the same event as a plain one to projectableOf and to JSON.stringify; a spread leaves the metadata out', () => {
    const e = anEvent();
    const plain = {
      streamId: 'archive-1',
      revision: 3n,
      position: 42n,
      type: 'TierChanged',
      schemaVersion: 1,
      data: { from: 'B', to: 'A' },
      metadata,
    };
    expect(projectableOf(e)).toEqual(plain);
    const asText = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}` : x));
    expect(asText(e)).toBe(asText(plain));
    expect({ ...e }).not.toHaveProperty('metadata');
  });

  it('given a metadata text that is not JSON (edited behind the store), hands it over as the text, as other reads do', () => {
    const e = anEvent('{"actor":');
    expect(e.data).toEqual({ from: 'B', to: 'A' });
    expect(e.metadata).toBe('{"actor":');
  });
});

describe('an event whose metadata the reader did not ask for (issue #4 runner: ReadByStreamOptions.metadataOf)', () => {
  const unread = () =>
    new LazyProjectableEvent('archive-1', 3n, 42n, 'TierChanged', 1, { from: 'B', to: 'A' }, undefined);

  it('given no metadata text, when its metadata is read, then MetadataNotRead names the position, the type and the fix', () => {
    const e = unread();
    expect(e.data).toEqual({ from: 'B', to: 'A' });
    expect(() => e.metadata).toThrow(MetadataNotRead);
    expect(() => e.metadata).toThrow(
      'the metadata of the event at position 42 (TierChanged) was not read: a read model that reads it must name TierChanged in readsMetadataOf',
    );
  });

  it('is written by JSON.stringify without the metadata it does not have', () => {
    const asText = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}` : x));
    expect(JSON.parse(asText(unread()))).toEqual({
      streamId: 'archive-1',
      revision: '3',
      position: '42',
      type: 'TierChanged',
      schemaVersion: 1,
      data: { from: 'B', to: 'A' },
    });
  });
});
