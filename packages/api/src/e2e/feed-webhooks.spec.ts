/* Webhooks with a real receiver: node:http, the official `standardwebhooks` verifier, the `cloudevents` SDK. */
import { Webhook } from 'standardwebhooks';
import { ARCHIVE_STREAM_PREFIX, readLogStream } from '@dossier/core';
import { anArchiveBody, http, minutesAgo } from '../testing/test-app';
import type { FeedApp, FeedPlace } from '../feed/testing/feed-test-app';
import { feedPlace, personalIn, startFeedApp, until } from '../feed/testing/feed-test-app';
import { generateArchiveEvents } from '../feed/testing/generate-events';
import type { WebhookReceiver } from '../feed/testing/webhook-receiver';
import { startWebhookReceiver } from '../feed/testing/webhook-receiver';

const OVERLAP_MS = 1500;

describe('webhooks: outbox, Standard Webhooks signatures, retries, rotation (issue #7)', () => {
  let place: FeedPlace;
  let t: FeedApp;
  let api: ReturnType<typeof http>;
  const tokens: Record<string, string> = {};
  const receivers: WebhookReceiver[] = [];

  const start = async (port?: number) => {
    t = await startFeedApp(place, { ...(port ? { port } : {}), feed: { secretOverlapMs: OVERLAP_MS } });
    api = http(t.url);
    tokens.rep = await t.token('sales_rep', 'rep-1');
    tokens.md = await t.token('marketing_director', 'md-1');
    tokens.md2 = await t.token('marketing_director', 'md-2');
    tokens.au = await t.token('auditor', 'au-1');
    tokens.cs = await t.token('customer_service', 'cs-1');
    tokens.cs2 = await t.token('customer_service', 'cs-2');
    tokens.dh = await t.token('department_head', 'dh-1');
  };

  beforeAll(async () => {
    place = feedPlace();
    await start();
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all(receivers.map((r) => r.close()));
    place.remove();
  });

  const receiver = async () => {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  };
  const subscribe = async (r: WebhookReceiver, body: Record<string, unknown> = {}, token = tokens.md!) => {
    const res = await api.post('/subscriptions', token, { url: r.url, ...body });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    r.secret = res.body.secret;
    return res.body as { id: string; secret: string; startsAfter: string };
  };
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await api.post('/archives', tokens.rep, anArchiveBody(overrides));
    expect(res.status).toBe(201);
    return res.body.archiveId as string;
  };
  const contact = async (id: string) =>
    expect(
      (
        await api.post(`/archives/${id}/contacts`, tokens.rep, {
          channel: 'phone',
          contactedAt: minutesAgo(1),
          withWhom: '王丽华',
        })
      ).status,
    ).toBe(200);
  /** The archive events a subscription should receive: after its start, in log order. */
  const expectedAfter = async (startsAfter: string, archive?: string) =>
    (
      await t.dossier.events.readAll({
        after: BigInt(startsAfter),
        limit: 100_000,
        streamPrefix: archive ? `${ARCHIVE_STREAM_PREFIX}${archive}` : ARCHIVE_STREAM_PREFIX,
      })
    ).map((r) => r.eventId);
  const acceptedIds = (r: WebhookReceiver) => r.accepted.map((a) => a.event.id as string);
  const expectInOrder = (r: WebhookReceiver) => {
    const seq = r.accepted.map((a) => BigInt(a.event.sequence));
    for (let i = 1; i < seq.length; i++) expect(seq[i]! > seq[i - 1]!).toBe(true);
    expect(new Set(r.accepted.map((a) => a.webhookId)).size).toBe(r.accepted.length);
  };

  it('managing subscriptions: roles and scopes checked, the secret shown once, owners only, delete', async () => {
    const r = await receiver();
    expect((await api.post('/subscriptions', tokens.rep, { url: r.url })).status).toBe(403);
    const personal = await api.post('/subscriptions', tokens.cs, { url: r.url, scope: 'personal:read' });
    expect(personal.status).toBe(403);
    const bad = await api.post('/subscriptions', tokens.md, { url: 'ftp://example.com/x', types: ['Nope'] });
    expect(bad.status).toBe(400);
    const unknown = await api.post('/subscriptions', tokens.md, { url: r.url, colour: 'blue' });
    expect(unknown.status).toBe(400);
    const s = await subscribe(r, { types: ['TierChanged', 'cn.dossier.archive.archive-destroyed.v1'] });
    const list = await api.get('/subscriptions', tokens.md);
    expect(list.status).toBe(200);
    const mine = list.body.subscriptions.find((x: { id: string }) => x.id === s.id);
    expect(mine).toMatchObject({
      url: r.url,
      types: ['TierChanged', 'ArchiveDestroyed'],
      scope: 'events:read',
      status: 'active',
    });
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect((await api.get(`/subscriptions/${s.id}`, tokens.md2)).status).toBe(404);
    expect((await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md })).status).toBe(204);
    expect((await api.get(`/subscriptions/${s.id}`, tokens.md)).status).toBe(404);
  });

  it('delivers every event once, in order, signed (verified by standardwebhooks), valid CloudEvents, nothing personal; a tampered request is rejected by that verifier', async () => {
    const r = await receiver();
    const s = await subscribe(r);
    for (let i = 0; i < 4; i++) await contact(await create());
    const expected = await expectedAfter(s.startsAfter);
    await until('deliveries', () => r.accepted.length >= expected.length);
    expect(acceptedIds(r)).toEqual(expected);
    expectInOrder(r);
    expect(r.rejected).toEqual([]);
    for (const a of r.accepted) expect(personalIn(a.body)).toBeUndefined();
    const last = r.requests.at(-1)!;
    expect(last.headers['content-type']).toContain('application/cloudevents+json');
    expect(last.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verifier = new Webhook(r.secret);
    expect(() => verifier.verify(last.body, last.headers)).not.toThrow();
    expect(() =>
      verifier.verify(last.body.replace('"specversion"', '"specversion" '), last.headers),
    ).toThrow();
    const forged = { ...last.headers, 'webhook-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}` };
    expect(() => verifier.verify(last.body, forged)).toThrow();
    const replayedElsewhere = { ...last.headers, 'webhook-id': 'msg_someone_else' };
    expect(() => verifier.verify(last.body, replayedElsewhere)).toThrow();

    const log = await api.get(`/subscriptions/${s.id}/deliveries?limit=3`, tokens.md);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(3);
    expect(log.body.items[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(log.body.items[0].attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, status: 200, signatures: 1 }),
    ]);
    expect(log.body.next).toBeDefined();

    // manual redelivery: the same webhook-id again, which lets the receiver drop the repeat
    const target = log.body.items[2];
    const again = await api.post(`/subscriptions/${s.id}/deliveries/${target.id}/redeliver`, tokens.md);
    expect(again.status).toBe(202);
    await until('the redelivery', () => r.accepted.length === expected.length + 1);
    expect(r.accepted.at(-1)!.webhookId).toBe(target.id);
    await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md });
  });

  it('a receiver that fails five times, then recovers, gets everything, once, in order; every attempt is logged', async () => {
    const r = await receiver();
    r.answer = (n) => (n < 5 ? 500 : 200);
    const s = await subscribe(r);
    for (let i = 0; i < 3; i++) await contact(await create());
    const expected = await expectedAfter(s.startsAfter);
    await until('deliveries after the outage', () => r.accepted.length >= expected.length);
    expect(acceptedIds(r)).toEqual(expected);
    expectInOrder(r);
    // nothing overtook the first event while it failed
    expect(r.requests.slice(0, 6).map((q) => q.headers['webhook-id'])).toEqual(
      Array(6).fill(r.accepted[0]!.webhookId),
    );
    const log = await api.get(`/subscriptions/${s.id}/deliveries?limit=100`, tokens.md);
    const first = log.body.items.at(-1);
    expect(first.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 500, 500, 500, 500, 200]);
    await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md });
  });

  it('410 Gone disables the subscription: nothing more is queued or sent', async () => {
    const r = await receiver();
    r.answer = () => 410;
    const s = await subscribe(r);
    await create();
    await until(
      'the subscription disabled',
      async () => (await api.get(`/subscriptions/${s.id}`, tokens.md)).body.status === 'disabled',
    );
    const got = await api.get(`/subscriptions/${s.id}`, tokens.md);
    expect(got.body.statusReason).toContain('410');
    const sent = r.requests.length;
    await create();
    await create();
    await new Promise((res) => setTimeout(res, 300));
    expect(r.requests.length).toBe(sent);
    const log = await api.get(`/subscriptions/${s.id}/deliveries`, tokens.md);
    expect(log.body.items).toHaveLength(1);
    await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md });
  });

  it('secret rotation: both signatures during the overlap (old and new verify), then only the new one', async () => {
    const r = await receiver();
    const s = await subscribe(r, { types: ['ArchiveCreated'] });
    const oldSecret = s.secret;
    await create();
    await until('one delivery', () => r.accepted.length === 1);
    const rotated = await api.post(`/subscriptions/${s.id}/rotate-secret`, tokens.md);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(oldSecret);
    expect(rotated.body.previousSecretValidUntil).toBeDefined();
    const newSecret = rotated.body.secret as string;
    await create();
    await until('a delivery during the overlap', () => r.accepted.length === 2);
    const during = r.requests.at(-1)!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(during.body, during.headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(during.body, during.headers)).not.toThrow();
    // the receiver switches to the new secret whenever it likes; after the overlap the old one is dropped
    r.secret = newSecret;
    await new Promise((res) => setTimeout(res, OVERLAP_MS + 100));
    await create();
    await until('a delivery after the overlap', () => r.accepted.length === 3);
    const after = r.requests.at(-1)!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(newSecret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers)).toThrow();
    expect(r.rejected).toEqual([]);
    await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md });
  });

  it('personal:read: plaintext for a director’s subscription, marked PIPL, the read logged under the subscription', async () => {
    const r = await receiver();
    const s = await subscribe(r, { scope: 'personal:read', types: ['ArchiveCreated', 'ContactLogged'] });
    const id = await create();
    await contact(id);
    await until('two deliveries', () => r.accepted.length === 2);
    expect(r.accepted[0]!.body).toContain('6222 0210 0109 8765 432');
    expect(r.accepted[0]!.event.dataregulations).toBe('PIPL');
    expect(r.accepted[1]!.event.data.withWhom).toBe('王丽华');
    const reads = await t.dossier.events.readStream(readLogStream(id));
    expect(reads.map((e) => (e.data as { grant: string }).grant)).toEqual([`webhook:${s.id}`]);
    await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md });
  });

  it('destruction: subscribers receive ArchiveDestroyed, which carries nothing personal', async () => {
    const r = await receiver();
    const all = await receiver();
    const s = await subscribe(r, { types: ['ArchiveDestroyed'] });
    const sAll = await subscribe(all, { scope: 'events:read personal:read' }, tokens.dh);
    const id = await create({
      profile: {
        ...anArchiveBody().profile,
        classification: { industry: 'food', region: 'west', nature: 'private_limited', status: 'potential' },
      },
    });
    const req = await api.post(`/archives/${id}/destruction`, tokens.cs, {
      reason: '无保存价值',
      basis: 'no_agreement',
    });
    expect((await api.post(`/destructions/${req.body.id}/approve`, tokens.dh)).status).toBe(200);
    const done = await api.post(`/destructions/${req.body.id}/execute`, tokens.cs2, {
      witnesses: [
        { id: 'w-1', name: '监销人甲' },
        { id: 'w-2', name: '监销人乙' },
      ],
      method: 'crypto-shredding',
    });
    expect(done.status).toBe(200);
    await until('the destruction delivered', () => r.accepted.length === 1);
    const destroyed = r.accepted[0]!;
    expect(destroyed.event).toMatchObject({ type: 'cn.dossier.archive.archive-destroyed.v1', subject: id });
    expect(personalIn(destroyed.body)).toBeUndefined();
    // even a personal:read subscriber gets it without anything personal
    const expected = await expectedAfter(sAll.startsAfter, id);
    await until(
      'the archive’s events',
      () => all.accepted.filter((a) => a.event.subject === id).length === expected.length,
    );
    const itsDestruction = all.accepted.find(
      (a) => a.event.type === 'cn.dossier.archive.archive-destroyed.v1',
    )!;
    expect(personalIn(itsDestruction.body)).toBeUndefined();
    expect(itsDestruction.event.dataregulations).toBeUndefined();
    await api.call('DELETE', `/subscriptions/${s.id}`, { token: tokens.md });
    await api.call('DELETE', `/subscriptions/${sAll.id}`, { token: tokens.dh });
  });

  it('across a server restart in the middle of the deliveries, every event arrives exactly once and in order', async () => {
    const r = await receiver();
    const s = await subscribe(r);
    await generateArchiveEvents(t.dossier, { archives: 20, perArchive: 15 });
    await until('some deliveries', () => r.accepted.length >= 40);
    const port = t.port;
    await t.stop();
    const atStop = r.accepted.length;
    await start(port);
    await generateArchiveEvents(t.dossier, { archives: 5, perArchive: 4 });
    const expected = await expectedAfter(s.startsAfter);
    expect(atStop).toBeLessThan(expected.length);
    await until('every delivery', () => r.accepted.length >= expected.length, 30_000);
    expect(acceptedIds(r)).toEqual(expected);
    expectInOrder(r);
    expect(r.rejected).toEqual([]);
    for (const a of r.accepted) expect(personalIn(a.body)).toBeUndefined();
  });

  it('two processes dispatching and sending on one database: still every event once, in order', async () => {
    const second = await startFeedApp(place);
    try {
      const r = await receiver();
      const s = await subscribe(r);
      await generateArchiveEvents(t.dossier, { archives: 10, perArchive: 10 });
      await generateArchiveEvents(second.dossier, { archives: 10, perArchive: 10 });
      const expected = await expectedAfter(s.startsAfter);
      await until('every delivery', () => r.accepted.length >= expected.length, 30_000);
      await new Promise((res) => setTimeout(res, 200));
      expect(acceptedIds(r)).toEqual(expected);
      expectInOrder(r);
      expect(r.requests).toHaveLength(expected.length);
    } finally {
      await second.stop();
    }
  });
});
