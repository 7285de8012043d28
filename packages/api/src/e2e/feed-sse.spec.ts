/* GET /feed with a real SSE client (the `eventsource` package, v4: CommonJS build), across a server restart. */
import type { Server } from 'node:http';
import { CloudEvent } from 'cloudevents';
import { EventSource } from 'eventsource';
import type { FetchLike } from 'eventsource';
import { ARCHIVE_STREAM_PREFIX, readLogStream } from '@dossier/core';
import { anArchiveBody, http, minutesAgo } from '../testing/test-app';
import type { FeedApp, FeedPlace } from '../feed/testing/feed-test-app';
import { feedPlace, personalIn, startFeedApp, until } from '../feed/testing/feed-test-app';
import { generateArchiveEvents } from '../feed/testing/generate-events';

interface Received {
  readonly id: string;
  readonly raw: string;
  readonly event: Record<string, unknown> & { data: Record<string, unknown> };
}

/**
 * An EventSource that sends the bearer token and remembers, for every (re)connection, the Last-Event-ID it
 * sent and how many events it had received by then; `onEvent` runs after each event.
 */
const consumer = (url: string, token: string, onEvent?: (n: number) => void) => {
  const got: Received[] = [];
  const connections: { lastEventId: string | null; received: number }[] = [];
  const authorized: FetchLike = (input, init) => {
    connections.push({ lastEventId: init.headers['Last-Event-ID'] ?? null, received: got.length });
    return fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  };
  const es = new EventSource(url, { fetch: authorized });
  es.onmessage = (m) => {
    got.push({ id: m.lastEventId, raw: m.data, event: JSON.parse(m.data) });
    onEvent?.(got.length);
  };
  return { es, got, connections, close: () => es.close() };
};

describe('GET /feed: CloudEvents over Server-Sent Events (issue #7)', () => {
  let place: FeedPlace;
  let t: FeedApp;
  let api: ReturnType<typeof http>;
  const tokens = {} as Record<'rep' | 'md' | 'au' | 'cs' | 'cs2' | 'dh', string>;

  const refreshTokens = async () => {
    tokens.rep = await t.token('sales_rep', 'rep-1');
    tokens.md = await t.token('marketing_director', 'md-1');
    tokens.au = await t.token('auditor', 'au-1');
    tokens.cs = await t.token('customer_service', 'cs-1');
    tokens.cs2 = await t.token('customer_service', 'cs-2');
    tokens.dh = await t.token('department_head', 'dh-1');
  };

  beforeAll(async () => {
    place = feedPlace();
    t = await startFeedApp(place, { dispatcher: false });
    api = http(t.url);
    await refreshTokens();
  });
  afterAll(async () => {
    await t.stop();
    place.remove();
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await api.post('/archives', tokens.rep, anArchiveBody(overrides));
    expect(res.status).toBe(201);
    return res.body.archiveId as string;
  };
  const contact = async (id: string) => {
    // a director may log contacts on A-tier and secret archives too
    const res = await api.post(`/archives/${id}/contacts`, tokens.md, {
      channel: 'phone',
      contactedAt: minutesAgo(1),
      withWhom: '王丽华',
      summary: '询价',
    });
    expect(res.status).toBe(200);
  };
  const archiveEvents = async () =>
    (await t.dossier.events.readAll({ after: 0n, limit: 100_000, streamPrefix: ARCHIVE_STREAM_PREFIX })).map(
      (r) => r.eventId,
    );

  it('refuses without a token (401), to a role that may not read every archive (403), and a bad Last-Event-ID (400)', async () => {
    expect((await api.get('/feed')).status).toBe(401);
    const rep = await api.get('/feed', tokens.rep);
    expect(rep.status).toBe(403);
    expect(rep.body).toMatchObject({ code: 'feed.role' });
    expect(rep.headers.get('content-type')).toContain('application/problem+json');
    const personal = await api.get('/feed?scope=personal:read', tokens.cs);
    expect(personal.status).toBe(403);
    const bad = await api.get('/feed', tokens.md, { 'last-event-id': 'yesterday' });
    expect(bad.status).toBe(400);
    const types = await api.get('/feed?types=NoSuchEvent', tokens.md);
    expect(types.status).toBe(400);
    expect(types.body.errors[0].path).toBe('query:types');
  });

  it('catch-up then live, across a server restart in the middle of the stream: every event once, in order, resumed with Last-Event-ID; CloudEvents; nothing personal', async () => {
    for (let i = 0; i < 10; i++) await contact(await create());
    // a backlog large enough that the server cannot have written it all into the socket when it stops
    await generateArchiveEvents(t.dossier, { archives: 150, perArchive: 80 });
    const total = (await archiveEvents()).length;
    // the server goes away while the consumer is catching up, and comes back on the same file and port
    let stopped: Promise<void> | undefined;
    const port = t.port;
    const c = consumer(`${t.url}/feed?from=0`, tokens.md, (n) => {
      if (n !== 1) return;
      // connections cut at once, as a crash would, then the orderly stop
      (t.app.getHttpServer() as Server).closeAllConnections();
      stopped = t.stop();
    });
    try {
      await until('the stop', () => stopped !== undefined);
      await stopped;
      t = await startFeedApp(place, { port, dispatcher: false });
      api = http(t.url);
      await refreshTokens();
      // the client's pooled connections to the old server are gone: wait until a fresh one answers
      await until(
        'the new server',
        async () => (await fetch(`${t.url}/health`).catch(() => undefined))?.ok === true,
      );
      await until('the consumer back', () => c.connections.length === 2);
      const resumed = c.connections[1]!;
      expect(resumed.received).toBeLessThan(total);
      // the reconnection asked for exactly what followed the last event received before the restart
      expect(resumed.lastEventId).toBe(c.got[resumed.received - 1]!.id);
      await until('resumed catch-up', () => c.got.length === total);
      // live, after the restart
      for (let i = 0; i < 5; i++) await contact(await create());
      const all = await archiveEvents();
      await until('live events', () => c.got.length === all.length);

      expect(c.connections[0]!.lastEventId).toBeNull();
      expect(c.got.map((g) => g.event.id)).toEqual(all);
      expect(new Set(c.got.map((g) => g.id)).size).toBe(all.length);
      const positions = c.got.map((g) => BigInt(g.id));
      for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
      for (const [i, g] of c.got.entries()) {
        expect(BigInt(g.event.sequence as string)).toBe(BigInt(g.id));
        // the SDK's validation is slow: every 25th event (the webhook tests validate every one)
        if (i % 25 === 0) expect(() => new CloudEvent(g.event, true)).not.toThrow();
        expect(personalIn(g.raw)).toBeUndefined();
      }
      const created = c.got.find((g) => g.event.type === 'cn.dossier.archive.archive-created.v1')!;
      expect(created.event).toMatchObject({
        specversion: '1.0',
        source: '/dossier/archives',
        datacontenttype: 'application/json',
        dataclassification: 'internal',
        dataschema: expect.stringMatching(/\/schemas\/events\/archive-created\.v1\.json$/),
      });
      expect(created.event.subject).toBe(created.event.data.archiveId);
      expect(created.event.data).toMatchObject({
        profile: {
          people: { $personal: 'withheld' },
          company: { bankAccount: { $personal: 'withheld' } },
        },
      });
      const logged = c.got.find((g) => g.event.type === 'cn.dossier.archive.contact-logged.v1')!;
      expect(logged.event.data.withWhom).toEqual({ $personal: 'withheld' });
    } finally {
      c.close();
    }
    await until('the server ends the stream of a consumer that left', () => t.sse.openStreams === 0);
  });

  it('filters by type (domain or CloudEvents names) and by archive; starts from now without ?from', async () => {
    const a = await create();
    const b = await create();
    await api.post(`/archives/${a}/tier`, tokens.md, { to: 'A', reason: '年度评审' });
    await api.post(`/archives/${b}/tier`, tokens.md, { to: 'C', reason: '年度评审' });
    const c = consumer(
      `${t.url}/feed?from=0&archive=${a}&types=TierChanged,cn.dossier.archive.archive-created.v1`,
      tokens.au,
    );
    const now = consumer(`${t.url}/feed`, tokens.au);
    try {
      await until('filtered events', () => c.got.length === 2);
      expect(c.got.map((g) => g.event.type)).toEqual([
        'cn.dossier.archive.archive-created.v1',
        'cn.dossier.archive.tier-changed.v1',
      ]);
      expect(c.got.every((g) => g.event.subject === a)).toBe(true);
      await until('the live consumer is connected', () => t.sse.openStreams === 2);
      await contact(a);
      await until('a live event', () => now.got.length === 1 && c.got.length === 2);
      expect(now.got[0]!.event.type).toBe('cn.dossier.archive.contact-logged.v1');
    } finally {
      c.close();
      now.close();
    }
  });

  it('heartbeats keep an idle stream open (SSE comments)', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${t.url}/feed`, {
      headers: { authorization: `Bearer ${tokens.md}` },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    const started = Date.now();
    while (!text.includes(': heartbeat') && Date.now() - started < 3000)
      text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect(text).toMatch(/^retry: \d+\n/);
    expect(text).toContain(': heartbeat');
  });

  it('dataclassification follows the secrecy level the archive had at each event (secret → restricted)', async () => {
    const id = await create({ secrecyLevel: 'confidential' });
    expect(
      (await api.post(`/archives/${id}/secrecy`, tokens.cs, { to: 'secret', reason: '涉及核心技术' })).status,
    ).toBe(200);
    await contact(id);
    const c = consumer(`${t.url}/feed?from=0&archive=${id}`, tokens.md);
    try {
      await until('three events', () => c.got.length === 3);
      expect(c.got.map((g) => [g.event.type, g.event.dataclassification])).toEqual([
        ['cn.dossier.archive.archive-created.v1', 'confidential'],
        ['cn.dossier.archive.secrecy-level-changed.v1', 'restricted'],
        ['cn.dossier.archive.contact-logged.v1', 'restricted'],
      ]);
    } finally {
      c.close();
    }
  });

  it('personal:read opens personal values for a director (the read is logged); after destruction they are gone and ArchiveDestroyed is PII-free', async () => {
    const id = await create({
      profile: {
        ...anArchiveBody().profile,
        classification: { industry: 'food', region: 'west', nature: 'private_limited', status: 'potential' },
      },
    });
    await contact(id);
    const open = consumer(`${t.url}/feed?from=0&archive=${id}&scope=personal:read`, tokens.md);
    try {
      await until('two events', () => open.got.length === 2);
      expect(open.got[0]!.raw).toContain('6222 0210 0109 8765 432');
      expect(open.got[0]!.event.dataregulations).toBe('PIPL');
      expect(open.got[1]!.event.data.withWhom).toBe('王丽华');
      expect(open.got.some((g) => g.raw.includes('"$pii"'))).toBe(false);
    } finally {
      open.close();
    }
    const reads = await t.dossier.events.readStream(readLogStream(id));
    expect(reads.map((r) => (r.data as { grant: string; reader: { id: string } }).grant)).toEqual([
      'feed:personal:read',
    ]);

    const req = await api.post(`/archives/${id}/destruction`, tokens.cs, {
      reason: '未达成协议且无保存价值',
      basis: 'no_agreement',
    });
    expect(req.status).toBe(200);
    expect((await api.post(`/destructions/${req.body.id}/approve`, tokens.dh)).status).toBe(200);
    const done = await api.post(`/destructions/${req.body.id}/execute`, tokens.cs2, {
      witnesses: [
        { id: 'w-1', name: '监销人甲' },
        { id: 'w-2', name: '监销人乙' },
      ],
      method: 'crypto-shredding',
    });
    expect(done.status).toBe(200);

    const after = consumer(`${t.url}/feed?from=0&archive=${id}&scope=personal:read`, tokens.md);
    try {
      await until('five events', () => after.got.length === 5);
      const destroyed = after.got.at(-1)!;
      expect(destroyed.event.type).toBe('cn.dossier.archive.archive-destroyed.v1');
      expect(personalIn(destroyed.raw)).toBeUndefined();
      expect(destroyed.event.dataregulations).toBeUndefined();
      expect(destroyed.event.data).toMatchObject({
        archiveNumber: expect.any(String),
        method: 'crypto-shredding',
      });
      expect(after.got[0]!.event.data).toMatchObject({
        profile: { people: { $redacted: 'destroyed' }, company: { bankAccount: { $redacted: 'destroyed' } } },
      });
      for (const g of after.got) expect(personalIn(g.raw)).toBeUndefined();
    } finally {
      after.close();
    }
  });
});
