/* The catalogue: /asyncapi.json checked against the official AsyncAPI 3.0 schema; every `dataschema` resolves and validates. */
import specs from '@asyncapi/specs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { eventTypes } from '@dossier/core';
import { anArchiveBody, http, minutesAgo } from '../testing/test-app';
import type { FeedApp, FeedPlace } from '../feed/testing/feed-test-app';
import { feedPlace, startFeedApp } from '../feed/testing/feed-test-app';

/** Read `GET /feed?from=0…` until `count` events came (a plain SSE reader: the frames are simple). */
const readFeed = async (url: string, token: string, count: number) => {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: ctrl.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: Record<string, unknown>[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)));
    }
  }
  ctrl.abort();
  return events as (Record<string, unknown> & { dataschema: string; data: unknown; type: string })[];
};

describe('the catalogue: AsyncAPI 3.0 and the JSON Schemas of the events (issue #7)', () => {
  let place: FeedPlace;
  let t: FeedApp;
  let api: ReturnType<typeof http>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);

  beforeAll(async () => {
    place = feedPlace();
    t = await startFeedApp(place, { dispatcher: false });
    api = http(t.url);
  });
  afterAll(async () => {
    await t.stop();
    place.remove();
  });

  it('GET /asyncapi.json: valid against the official AsyncAPI 3.0.0 schema; one message per event type, its data a component', async () => {
    const res = await api.get('/asyncapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    // the AsyncAPI schema embeds its own draft-07 meta-schema: a validator without the built-in one
    const asyncApi = new Ajv({ allErrors: true, strict: false, meta: false, validateSchema: false });
    addFormats(asyncApi);
    const validate = asyncApi.compile(specs.schemas['3.0.0'] as object);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // the validator does bite
    expect(
      validate({ ...doc, operations: { bad: { action: 'shout', channel: { $ref: '#/channels/feed' } } } }),
    ).toBe(false);
    expect(Object.keys(doc.components.messages).sort()).toEqual([...eventTypes].sort());
    for (const type of eventTypes) {
      const message = doc.components.messages[type];
      const ref = message.payload.properties.data.$ref as string;
      expect(doc.components.schemas[ref.replace('#/components/schemas/', '')]).toBeDefined();
      expect(doc.channels.feed.messages[type]).toEqual({ $ref: `#/components/messages/${type}` });
    }
    expect(doc.components.messages.TierChanged.name).toBe('cn.dossier.archive.tier-changed.v1');
    expect(doc.operations.deliverWebhooks.channel).toEqual({ $ref: '#/channels/webhooks' });
  });

  it('ArchiveDestroyed is PII-free by its schema: no personal slot anywhere in it', async () => {
    const res = await api.get('/schemas/events/archive-destroyed.v1.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/schema+json');
    expect(JSON.stringify(res.body)).not.toMatch(/Personal|\$personal|\$redacted/);
    const created = await api.get('/schemas/events/archive-created.v1.json');
    expect(JSON.stringify(created.body)).toContain('PersonalWithheld');
    expect((await api.get('/schemas/events/no-such-event.v1.json')).status).toBe(404);
  });

  it('every dataschema URL resolves, and the data of each event (withheld, opened, destroyed) validates against it', async () => {
    const rep = await t.token('sales_rep', 'rep-1');
    const md = await t.token('marketing_director', 'md-1');
    const cs = await t.token('customer_service', 'cs-1');
    const cs2 = await t.token('customer_service', 'cs-2');
    const dh = await t.token('department_head', 'dh-1');
    const id = (
      await api.post(
        '/archives',
        rep,
        anArchiveBody({
          profile: {
            ...anArchiveBody().profile,
            classification: {
              industry: 'food',
              region: 'west',
              nature: 'private_limited',
              status: 'potential',
            },
          },
        }),
      )
    ).body.archiveId as string;
    const steps = [
      api.patch(`/archives/${id}`, rep, {
        changes: { people: [{ role: 'main_contact', name: '赵敏', mobile: '139 0000 0000' }] },
        reason: '联系人变更',
      }),
      api.post(`/archives/${id}/contacts`, rep, {
        channel: 'visit',
        contactedAt: minutesAgo(2),
        withWhom: '赵敏',
      }),
      api.post(`/archives/${id}/tier`, md, { to: 'A', reason: '年度评审' }),
    ];
    for (const step of steps) expect((await step).status).toBe(200);
    const req = await api.post(`/archives/${id}/destruction`, cs, {
      reason: '无保存价值',
      basis: 'no_agreement',
    });
    await api.post(`/destructions/${req.body.id}/approve`, dh);
    const done = await api.post(`/destructions/${req.body.id}/execute`, cs2, {
      witnesses: [{ id: 'w-1' }, { id: 'w-2' }],
      method: 'crypto-shredding',
    });
    expect(done.status).toBe(200);
    const total = Number(done.body.revision) + 1;

    // a transaction means an agreement, which forbids that destruction: another archive records one
    const other = (await api.post('/archives', rep, anArchiveBody())).body.archiveId as string;
    const deal = await api.post(`/archives/${other}/transactions`, rep, {
      number: 'T-1',
      occurredAt: minutesAgo(1),
      amount: { minor: 1_000_00, currency: 'CNY' },
      personInCharge: '李明',
      breachOfContract: false,
    });
    expect(deal.status).toBe(200);

    const schemas = new Map<string, ReturnType<typeof ajv.compile>>();
    const check = async (events: Awaited<ReturnType<typeof readFeed>>, count = total) => {
      expect(events).toHaveLength(count);
      for (const e of events) {
        if (!schemas.has(e.dataschema)) {
          const s = await fetch(e.dataschema);
          expect(s.status).toBe(200);
          schemas.set(e.dataschema, ajv.compile((await s.json()) as object));
        }
        const validate = schemas.get(e.dataschema)!;
        if (!validate(e.data)) throw new Error(`${e.type}: ${JSON.stringify(validate.errors)}`);
      }
    };
    // after destruction: withheld for the default scope, destroyed markers for personal:read
    await check(await readFeed(`${t.url}/feed?from=0&archive=${id}`, md, total));
    await check(await readFeed(`${t.url}/feed?from=0&archive=${id}&scope=personal:read`, md, total));
    await check(await readFeed(`${t.url}/feed?from=0&archive=${other}&types=TransactionRecorded`, md, 1), 1);
    expect([...schemas.keys()].map((u) => u.replace(/^.*\/schemas\/events\//, '')).sort()).toEqual([
      'archive-created.v1.json',
      'archive-destroyed.v1.json',
      'archive-updated.v1.json',
      'contact-logged.v1.json',
      'destruction-approved.v1.json',
      'destruction-requested.v1.json',
      'tier-changed.v1.json',
      'transaction-recorded.v3.json',
    ]);
  });

  it('opened personal values validate too (before destruction)', async () => {
    const rep = await t.token('sales_rep', 'rep-2');
    const md = await t.token('marketing_director', 'md-1');
    const id = (await api.post('/archives', rep, anArchiveBody())).body.archiveId as string;
    await api.post(`/archives/${id}/contacts`, rep, {
      channel: 'phone',
      contactedAt: minutesAgo(1),
      withWhom: '王丽华',
    });
    const events = await readFeed(`${t.url}/feed?from=0&archive=${id}&scope=personal:read`, md, 2);
    for (const e of events) {
      const validate =
        ajv.getSchema(e.dataschema) ?? ajv.compile((await (await fetch(e.dataschema)).json()) as object);
      if (!validate(e.data)) throw new Error(`${e.type}: ${JSON.stringify(validate.errors)}`);
    }
    expect(JSON.stringify(events[0]!.data)).toContain('王丽华');
  });
});
