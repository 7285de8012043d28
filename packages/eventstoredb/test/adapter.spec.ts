import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@dossier/core';
import { fixedClock, verifyChain } from '@dossier/core';
import { anEvent } from '@dossier/core/testing';
import { connectEventStoreDb, isEventStoreDbUrl, openEventStoreDb } from '../src';
import type { EsdbStandIn } from './stand-in/esdb-stand-in';
import { startEsdbStandIn } from './stand-in/esdb-stand-in';

/*
 * What the contract suite does not pin down about this adapter, checked on the EventStoreDB protocol
 * stand-in: the real client over real gRPC against an in-memory log. These tests prove the adapter's use of
 * the protocol (what it sends, how it reads what comes back), not the server's behaviour.
 */

// the port answers fp-ts Eithers; fp-ts is the core's dependency, so they are read on their representation
type Either<E, A> =
  { readonly _tag: 'Left'; readonly left: E } | { readonly _tag: 'Right'; readonly right: A };
const isLeft = <E, A>(e: Either<E, A>): e is { readonly _tag: 'Left'; readonly left: E } => e._tag === 'Left';
const isRight = <E, A>(e: Either<E, A>): boolean => e._tag === 'Right';
const ok = <A>(e: Either<unknown, A>): A => {
  if (isLeft(e)) throw new Error('expected Right');
  return e.right;
};

const clock = fixedClock('2026-03-01T08:00:00.000Z');

describe('eventstoredb adapter on the EventStoreDB protocol stand-in (proves the protocol use, not the server)', () => {
  let standIn: EsdbStandIn;
  const opened: EventStore[] = [];
  const open = async (streamPrefix?: string) => {
    const store = await openEventStoreDb({
      url: standIn.url,
      clock,
      ...(streamPrefix ? { streamPrefix } : {}),
    });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    standIn = await startEsdbStandIn({ appendMode: 'batch', systemEventEvery: 1 });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await standIn.stop();
  });

  it('keeps stream ids as given, data as the JSON data, and the chain and actor in JSON metadata', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    const e = anEvent('ArchiveCreated', { name: '上海某某有限公司', n: 1 });
    const [recorded] = ok(await store.append(s, [e], 'no_stream')).events;
    const [stored] = standIn.log.stream(s)!;
    expect(stored!.id).toBe(e.eventId);
    expect(stored!.type).toBe('ArchiveCreated');
    expect(stored!.contentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(stored!.data).toString('utf8'))).toEqual(e.data);
    expect(JSON.parse(Buffer.from(stored!.metadata).toString('utf8'))).toEqual({
      ...e.metadata,
      $correlationId: 'c-1',
      $causationId: 'c-1',
      dossier: {
        v: 1,
        schemaVersion: 1,
        recordedAt: '2026-03-01T08:00:00.000Z',
        prevHash: recorded!.prevHash,
        hash: recorded!.hash,
      },
    });
    expect(recorded!.position).toBe(stored!.position);
  });

  it('reads of $all skip system events and other applications’ events; positions are commit positions, not dense', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    ok(await store.append(s, [anEvent('A'), anEvent('B')], 'no_stream'));
    standIn.writeForeign('orders-1', 'OrderPlaced', { id: 1 });
    ok(await store.append(s, [anEvent('C')], 1n));
    standIn.writeForeign('orders-1', 'OrderShipped', { id: 1 });
    expect(standIn.log.all.some((e) => e.streamName.startsWith('$'))).toBe(true);

    const all = await store.readAll();
    expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    expect(all[1]!.position - all[0]!.position).toBeGreaterThan(1n);
    expect(await store.headPosition()).toBe(all[2]!.position);
    expect(await store.streamHeads()).toEqual([
      { streamId: s, revision: 2n, position: all[2]!.position, hash: all[2]!.hash },
    ]);
    expect((await store.readAll({ after: all[0]!.position, limit: 1 })).map((e) => e.type)).toEqual(['B']);
  });

  it('pages through $all, forwards and backwards, past events that are not Dossier’s', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    ok(await store.append(s, [anEvent('A')], 'no_stream'));
    for (let i = 0; i < 7; i++) standIn.writeForeign('orders-1', 'OrderPlaced', { i });
    const [b] = ok(await store.append(s, [anEvent('B')], 0n)).events;
    for (let i = 0; i < 40; i++) standIn.writeForeign('orders-2', 'OrderPlaced', { i });
    const [a] = await store.readAll({ limit: 1 });
    expect((await store.readAll({ after: a!.position, limit: 1 })).map((e) => e.type)).toEqual(['B']);
    expect(await store.headPosition()).toBe(b!.position);
    const reads = standIn.requests.filter((r) => r.rpc === 'Read' && r.target === 'all');
    expect(reads.filter((r) => r.direction === 'forwards').length).toBeGreaterThan(4);
    expect(reads.filter((r) => r.direction === 'backwards').length).toBeGreaterThan(1);
  });

  it('a subscription the server drops throws, so the caller resumes from its checkpoint', async () => {
    const store = await open();
    const ctrl = new AbortController();
    const run = (async () => {
      for await (const _ of store.subscribe({ signal: ctrl.signal })) void _;
    })();
    await new Promise((r) => setTimeout(r, 50));
    await standIn.stop();
    await expect(run).rejects.toThrow();
    standIn = await startEsdbStandIn();
  });

  it('filters $all on the server: by stream name for a prefix, by event type for types, system events out otherwise', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    ok(await store.append(s, [anEvent('A'), anEvent('B')], 'no_stream'));
    const reads = () => standIn.requests.filter((r) => r.rpc === 'Read' && r.target === 'all');

    const before = reads().length;
    await store.readAll({ streamPrefix: 'archive-' });
    await store.readAll({ types: ['B'] });
    await store.readAll({});
    expect(
      reads()
        .slice(before)
        .map((r) => r.filter),
    ).toEqual([
      { on: 'stream', prefixes: ['archive-'], regex: '' },
      { on: 'type', prefixes: ['B'], regex: '' },
      { on: 'type', prefixes: [], regex: '^[^$]' },
    ]);
  });

  it('a namespace (streamPrefix option) prefixes stream names in the server and filters $all by it', async () => {
    const mine = await open('tenant-a/');
    const theirs = await open('tenant-b/');
    const s = `archive-${randomUUID()}`;
    ok(await mine.append(s, [anEvent('Mine')], 'no_stream'));
    ok(await theirs.append(s, [anEvent('Theirs')], 'no_stream'));
    expect(standIn.log.stream(`tenant-a/${s}`)).toHaveLength(1);
    expect((await mine.readAll()).map((e) => [e.streamId, e.type])).toEqual([[s, 'Mine']]);
    expect((await theirs.readStream(s)).map((e) => e.type)).toEqual(['Theirs']);
    expect((await mine.streamHeads()).map((h) => h.streamId)).toEqual([s]);
  });

  it('appends with BatchAppend when the server advertises it, with Append when it does not', async () => {
    const store = await open();
    ok(await store.append(`archive-${randomUUID()}`, [anEvent()], 'no_stream'));
    expect(standIn.requests.map((r) => r.rpc)).toContain('BatchAppend');
    expect(standIn.requests.map((r) => r.rpc)).not.toContain('Append');

    const older = await startEsdbStandIn({ appendMode: 'legacy' });
    try {
      const store2 = await openEventStoreDb({ url: older.url, clock });
      ok(await store2.append(`archive-${randomUUID()}`, [anEvent()], 'no_stream'));
      await store2.close();
      expect(older.requests.map((r) => r.rpc)).toContain('Append');
      expect(older.requests.map((r) => r.rpc)).not.toContain('BatchAppend');
    } finally {
      await older.stop();
    }
  });

  it('a retry after the stream moved on writes nothing and answers the first result, from any process', async () => {
    const first = await open();
    const other = await open();
    const s = `archive-${randomUUID()}`;
    const events = [anEvent('A'), anEvent('B')];
    const original = ok(await first.append(s, events, 'no_stream'));
    ok(await other.append(s, [anEvent('C')], 'any'));
    clock.set('2026-03-02T08:00:00.000Z'); // a retry seals at another time: its hashes would differ

    for (const store of [first, other, await open()]) {
      const again = ok(await store.append(s, events, 'no_stream'));
      expect(again.events).toEqual(original.events);
      expect(again.position).toBe(original.position);
      expect(again.nextRevision).toBe(2n);
    }
    expect(standIn.log.stream(s)).toHaveLength(3);
    clock.set('2026-03-01T08:00:00.000Z');
  });

  it('an append that repeats an event id is refused before it reaches the server', async () => {
    const store = await open();
    const e = anEvent();
    const before = standIn.requests.length;
    await expect(store.append(`archive-${randomUUID()}`, [e, e], 'any')).rejects.toThrow(
      /repeats an event id/,
    );
    expect(standIn.requests.length).toBe(before);
  });

  it('events partly in the stream already are a conflict, never a second copy', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    const [a, b, c] = [anEvent(), anEvent(), anEvent()];
    ok(await store.append(s, [a!, b!], 'no_stream'));
    const res = await store.append(s, [b!, c!], 'any');
    expect(isLeft(res) && res.left).toEqual({
      _tag: 'ConcurrencyConflict',
      streamId: s,
      expected: 'any',
      actual: 1n,
    });
    expect(standIn.log.stream(s)).toHaveLength(2);
  });

  it('writers expecting any or stream_exists retry a conflict caused only by the chain read', async () => {
    const s = `archive-${randomUUID()}`;
    const stores = await Promise.all(Array.from({ length: 6 }, () => open()));
    ok(await stores[0]!.append(s, [anEvent()], 'no_stream'));
    const results = await Promise.all(
      stores.flatMap((store, w) =>
        Array.from({ length: 4 }, (_, k) =>
          store.append(s, [anEvent('W', { w, k })], k % 2 === 0 ? 'any' : 'stream_exists'),
        ),
      ),
    );
    expect(results.every(isRight)).toBe(true);
    expect(standIn.wrongExpectedVersions()).toBeGreaterThan(0);
    const read = await stores[0]!.readStream(s);
    expect(read).toHaveLength(25);
    expect(isRight(verifyChain(s, read))).toBe(true);
  }, 30_000);

  it('maps expected revisions both ways through the client, with the actual revision on a conflict', async () => {
    const connection = connectEventStoreDb(standIn.url);
    const s = `archive-${randomUUID()}`;
    const e = () => [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }];
    try {
      expect(await connection.append(s, e(), 'stream_exists')).toEqual({ ok: false, actual: -1n });
      expect(await connection.append(s, e(), 0n)).toEqual({ ok: false, actual: -1n });
      expect(await connection.append(s, e(), 'no_stream')).toEqual({ ok: true });
      expect(await connection.append(s, e(), 'no_stream')).toEqual({ ok: false, actual: 0n });
      expect(await connection.append(s, e(), 5n)).toEqual({ ok: false, actual: 0n });
      expect(await connection.append(s, e(), 0n)).toEqual({ ok: true });
      expect(await connection.append(s, e(), 'stream_exists')).toEqual({ ok: true });
      expect(await connection.append(s, e(), 'any')).toEqual({ ok: true });
      expect(standIn.log.stream(s)!.map((x) => x.revision)).toEqual([0n, 1n, 2n, 3n]);
    } finally {
      await connection.close();
    }
  });

  it('refuses to read a stream holding an event that is not Dossier’s', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    ok(await store.append(s, [anEvent()], 'no_stream'));
    standIn.writeForeign(s, 'Intruder', {});
    await expect(store.readStream(s)).rejects.toThrow(/not a Dossier event/);
  });

  it('subscriptions filter on the server, skip what is not Dossier’s, and start after the checkpoint', async () => {
    const store = await open();
    const s = `archive-${randomUUID()}`;
    const [first] = ok(await store.append(s, [anEvent('A'), anEvent('B')], 'no_stream')).events;
    standIn.writeForeign('orders-1', 'B', {});
    const ctrl = new AbortController();
    const got: RecordedEvent[] = [];
    const done = (async () => {
      for await (const e of store.subscribe({
        after: first!.position,
        types: ['B', 'C'],
        signal: ctrl.signal,
      })) {
        got.push(e);
        if (got.length === 2) ctrl.abort();
      }
    })();
    ok(await store.append(s, [anEvent('X'), anEvent('C')], 1n));
    await done;
    expect(got.map((e) => e.type)).toEqual(['B', 'C']);
    expect(standIn.requests.find((r) => r.subscription)?.filter).toEqual({
      on: 'type',
      prefixes: ['B', 'C'],
      regex: '',
    });
  });

  it('takes kurrentdb:// URLs too, and fails at open when no server answers', async () => {
    const store = await openEventStoreDb({ url: standIn.url.replace('esdb://', 'kurrentdb://'), clock });
    await store.close();
    expect(isEventStoreDbUrl('esdb://h:2113?tls=false')).toBe(true);
    expect(isEventStoreDbUrl('esdb+discover://h:2113')).toBe(true);
    expect(isEventStoreDbUrl('postgres://h/db')).toBe(false);
    const gone = await startEsdbStandIn();
    const url = gone.url;
    await gone.stop();
    await expect(openEventStoreDb({ url, clock })).rejects.toThrow();
  });
});
