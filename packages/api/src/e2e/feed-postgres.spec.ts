/* The feed and the webhook outbox on PostgreSQL: read models (outbox) there, then events there too. */
import type { TestDatabase } from '@dossier/postgres/testing';
import { createTestDatabase, describePg } from '@dossier/postgres/testing';
import { ARCHIVE_STREAM_PREFIX } from '@dossier/core';
import { anArchiveBody, http, minutesAgo } from '../testing/test-app';
import type { FeedApp, FeedPlace } from '../feed/testing/feed-test-app';
import { feedPlace, personalIn, startFeedApp, until } from '../feed/testing/feed-test-app';
import type { WebhookReceiver } from '../feed/testing/webhook-receiver';
import { startWebhookReceiver } from '../feed/testing/webhook-receiver';

const exercise = (name: string, urls: (db: TestDatabase) => { storeUrl?: string; readModelsUrl?: string }) =>
  describePg(name, () => {
    let db: TestDatabase;
    let place: FeedPlace;
    let t: FeedApp;
    let receiver: WebhookReceiver;

    beforeAll(async () => {
      db = await createTestDatabase('dossier_feed');
      place = feedPlace();
      receiver = await startWebhookReceiver();
    });
    afterAll(async () => {
      await t?.stop();
      await receiver?.close();
      await db?.drop();
      place?.remove();
    });

    it('webhooks through the outbox (failures, then recovery, across a restart) and the SSE feed', async () => {
      t = await startFeedApp(place, urls(db));
      expect(t.dossier.dialect).toBe('postgres');
      let api = http(t.url);
      const rep = await t.token('sales_rep', 'rep-1');
      const md = await t.token('marketing_director', 'md-1');
      receiver.answer = (n) => (n < 2 ? 503 : 200);
      const sub = await api.post('/subscriptions', md, { url: receiver.url });
      expect(sub.status).toBe(201);
      receiver.secret = sub.body.secret;
      const create = async () => {
        const res = await api.post('/archives', rep, anArchiveBody());
        expect(res.status).toBe(201);
        await api.post(`/archives/${res.body.archiveId}/contacts`, rep, {
          channel: 'phone',
          contactedAt: minutesAgo(1),
          withWhom: '王丽华',
        });
      };
      for (let i = 0; i < 3; i++) await create();
      await until('some deliveries', () => receiver.accepted.length >= 2);
      const port = t.port;
      await t.stop();
      t = await startFeedApp(place, { ...urls(db), port });
      api = http(t.url);
      await until(
        'the new server',
        async () => (await fetch(`${t.url}/health`).catch(() => undefined))?.ok === true,
      );
      for (let i = 0; i < 2; i++) await create();
      const expected = (
        await t.dossier.events.readAll({
          after: BigInt(sub.body.startsAfter),
          limit: 10_000,
          streamPrefix: ARCHIVE_STREAM_PREFIX,
        })
      ).map((r) => r.eventId);
      await until('every delivery', () => receiver.accepted.length >= expected.length);
      expect(receiver.accepted.map((a) => a.event.id)).toEqual(expected);
      expect(new Set(receiver.accepted.map((a) => a.webhookId)).size).toBe(expected.length);
      expect(receiver.rejected).toEqual([]);
      for (const a of receiver.accepted) expect(personalIn(a.body)).toBeUndefined();
      const log = await api.get(`/subscriptions/${sub.body.id}/deliveries?limit=100`, md);
      expect(log.body.items.at(-1).attemptLog.map((a: { status: number }) => a.status)).toEqual([
        503, 503, 200,
      ]);

      const res = await fetch(`${t.url}/feed?from=0`, { headers: { authorization: `Bearer ${md}` } });
      const reader = res.body!.getReader();
      let text = '';
      while ((text.match(/^id: /gm) ?? []).length < expected.length)
        text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(personalIn(text)).toBeUndefined();
    });
  });

exercise('feed on PostgreSQL read models (events in SQLite)', (db) => ({ readModelsUrl: db.url }));
exercise('feed with events and read models on PostgreSQL', (db) => ({ storeUrl: db.url }));
