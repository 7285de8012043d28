import { randomUUID } from 'node:crypto';
import type { EventToAppend, Json } from '@dossier/core';
import { hashEvent, newDataKey, verifyChain } from '@dossier/core';
import type { PostgresStore } from './index';
import { openPostgresStore } from './index';
import type { TestDatabase } from './testing';
import { createTestDatabase, describePg } from './testing';

const anEvent = (type: string, data: Json): EventToAppend => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: {
    actor: { id: 'u-1', role: 'sales_rep', department: 'sales', name: '张三 "quoted" \\ back' },
    occurredAt: '2026-03-01T00:00:00.000Z',
    correlationId: 'c',
    causationId: 'c',
    reason: 'line\nbreak\ttab',
  },
});

describePg('bad data', () => {
  const schema = 'bad';
  let db: TestDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore({ url: db.url, schema, masterKey: newDataKey() });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('data and metadata round-trip to values that re-hash identically (json keeps the text; jsonb would not)', async () => {
    const s = `archive-${randomUUID()}`;
    const tricky: Json[] = [
      { z: 1, a: 2, m: { y: [3, 2, 1], b: null } }, // key order as written
      { big: Number.MAX_SAFE_INTEGER + 2, tiny: 5e-324, exp: 1e21, frac: 0.1 + 0.2, neg: -1.5e-7, zero: 0 },
      { nul: '\u0000', lone: '\ud800', emoji: '🧾', cjk: '客户档案', esc: '"\\/\b\f\n\r\t', ctrl: '\u001f' },
      {
        empty: {},
        list: [],
        nested: [[[]], [{}]],
        bools: [true, false],
        deep: { a: { b: { c: { d: 'e' } } } },
      },
      'just a string',
      42,
      null,
    ];
    const res = await store.events.append(
      s,
      tricky.map((d, i) => anEvent(`T${i}`, d)),
      'no_stream',
    );
    expect(res._tag).toBe('Right');
    const read = await store.events.readStream(s);
    expect(read.map((e) => e.data)).toEqual(tricky);
    for (const e of read) expect(hashEvent(e)).toBe(e.hash);
    // stored as the very text the writer produced
    const texts = await store.pool.query<{ data: string }>(
      `SELECT data::text AS data FROM ${schema}.events WHERE stream_id = $1 ORDER BY revision`,
      [s],
    );
    expect(texts.rows.map((r) => r.data)).toEqual(tricky.map((d) => JSON.stringify(d)));
    expect(verifyChain(s, read)._tag).toBe('Right');

    // why not jsonb: it refuses \u0000 outright, and rewrites the text it keeps
    await expect(store.pool.query(`SELECT $1::jsonb`, [JSON.stringify(tricky[2])])).rejects.toThrow(
      /unicode|escape/i,
    );
    const viaJsonb = await store.pool.query<{ t: string }>(`SELECT $1::jsonb::text AS t`, [
      JSON.stringify(tricky[0]),
    ]);
    expect(viaJsonb.rows[0]!.t).not.toBe(JSON.stringify(tricky[0]));
  });

  it('an event altered in place (UPDATE of its data) is reported by verifyChain with its global position, not a crash', async () => {
    const s = `archive-${randomUUID()}`;
    await store.events.append(
      s,
      [anEvent('A', { n: 1 }), anEvent('B', { n: 2 }), anEvent('C', { n: 3 })],
      'no_stream',
    );
    const [, b] = await store.events.readStream(s);
    await store.pool.query(`UPDATE ${schema}.events SET data = '{"n": 999}' WHERE position = $1`, [
      b!.position.toString(),
    ]);

    const read = await store.events.readStream(s);
    expect(read[1]!.data).toEqual({ n: 999 });
    const verified = verifyChain(s, read);
    expect(verified._tag).toBe('Left');
    if (verified._tag === 'Left') {
      expect(verified.left).toMatchObject({
        reason: 'hash-mismatch',
        revision: 1n,
        position: b!.position,
        eventType: 'B',
      });
      expect(verified.left.message).toContain(`global position ${b!.position}`);
    }
    // the rest of the store keeps working around it
    expect((await store.events.readAll({ after: b!.position - 1n, limit: 2 })).map((e) => e.type)).toEqual([
      'B',
      'C',
    ]);
  });

  it('a deleted event and a rewritten link are reported too', async () => {
    const s = `archive-${randomUUID()}`;
    await store.events.append(
      s,
      [anEvent('A', 1), anEvent('B', 2), anEvent('C', 3), anEvent('D', 4)],
      'no_stream',
    );
    const [, b, , d] = await store.events.readStream(s);
    await store.pool.query(`DELETE FROM ${schema}.events WHERE position = $1`, [b!.position.toString()]);
    const gap = verifyChain(s, await store.events.readStream(s));
    expect(gap._tag === 'Left' && [gap.left.reason, gap.left.revision]).toEqual(['revision-gap', 2n]);

    const t = `archive-${randomUUID()}`;
    await store.events.append(t, [anEvent('A', 1), anEvent('B', 2)], 'no_stream');
    const [, tb] = await store.events.readStream(t);
    await store.pool.query(`UPDATE ${schema}.events SET prev_hash = $2 WHERE position = $1`, [
      tb!.position.toString(),
      d!.hash,
    ]);
    const relinked = verifyChain(t, await store.events.readStream(t));
    expect(relinked._tag === 'Left' && [relinked.left.reason, relinked.left.position]).toEqual([
      'previous-hash-mismatch',
      tb!.position,
    ]);
  });

  it('an append that repeats an event id is refused before it reaches the database', async () => {
    const e = anEvent('Twice', 1);
    await expect(store.events.append(`archive-${randomUUID()}`, [e, e], 'any')).rejects.toThrow(
      /repeats an event id/,
    );
  });

  it('a rebuild reads types and stream ids beyond ASCII, with spaces, as they were appended (issue #4)', async () => {
    const s = `stream 档案 𝌆 ${randomUUID()}`;
    const types = ['档案 𝌆 Event', 'Plain', 'with  two  spaces', 'é'];
    const appended = await store.events.append(
      s,
      types.map((t, i) => anEvent(t, { i })),
      'no_stream',
    );
    if (appended._tag === 'Left') throw new Error('append refused');
    const head = await store.events.headPosition();
    const read = (await store.events.readByStream!({ upTo: head, limit: 10_000 })).filter(
      (e) => e.streamId === s,
    );
    expect(read.map((e) => [e.type, e.revision, e.data])).toEqual(types.map((t, i) => [t, BigInt(i), { i }]));
  });
});
