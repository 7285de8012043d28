import type { TestDatabase } from '@dossier/postgres/testing';
import { createTestDatabase, describePg } from '@dossier/postgres/testing';
import type { TestApp } from '../testing/test-app';
import { anArchiveBody, http, minutesAgo, startTestApp } from '../testing/test-app';

const exercise = (
  name: string,
  options: (db: TestDatabase) => { storeUrl?: string; readModelsUrl?: string },
) =>
  describePg(name, () => {
    let db: TestDatabase;
    let t: TestApp;
    let api: ReturnType<typeof http>;

    beforeAll(async () => {
      db = await createTestDatabase('dossier_api');
      t = await startTestApp(options(db));
      api = http(t.url);
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('commands, the id lookup, and every query endpoint read from PostgreSQL read models', async () => {
      expect(t.dossier.dialect).toBe('postgres');
      const rep = await t.token('sales_rep', 'rep-1');
      const mm = await t.token('marketing_manager', 'mm-1');
      const cs = await t.token('customer_service', 'cs-1');
      const au = await t.token('auditor', 'au-1');
      const created = await api.post(
        '/archives',
        rep,
        anArchiveBody({ profile: { ...anArchiveBody().profile, company: { name: '100%_纯 测试公司' } } }),
      );
      expect(created.status).toBe(201);
      const id = created.body.archiveId as string;
      await api.post(`/archives/${id}/information`, rep, {
        receiptId: 'r1',
        channel: 'mail',
        summary: '新地址',
        receivedAt: minutesAgo(90),
      });
      await api.patch(
        `/archives/${id}`,
        rep,
        { changes: { company: { address: '北京' } }, reason: '地址', resolves: ['r1'] },
        { 'if-match': '1' },
      );
      await api.post(`/archives/${id}/contacts`, rep, {
        channel: 'phone',
        contactedAt: minutesAgo(10),
        withWhom: '王丽华',
      });
      const b = await api.post(`/archives/${id}/borrowings`, rep, { purpose: '核对' });
      expect((await api.post(`/borrowings/${b.body.id}/approve`, mm)).status).toBe(200);
      const lent = await api.post(`/borrowings/${b.body.id}/lend`, cs, {});
      expect(lent.status).toBe(200);
      const tier = await api.post(`/archives/${id}/tier`, mm, { to: 'A', reason: '评审' });
      const after = tier.body.position as string;

      const detail = await api.get(`/archives/${id}?after=${after}`, rep);
      expect(detail.status).toBe(200);
      expect(detail.body.archive.profile.people[0].name).toBe('王丽华');
      expect(detail.body.grant).toBe(`borrowing:${b.body.id}`);
      const list = await api.get(`/archives?q=${encodeURIComponent('100%_')}`, rep);
      expect(list.body.items.map((x: { archiveId: string }) => x.archiveId)).toEqual([id]);
      // `%` and `_` are literal: '%纯' is not in the name (unescaped it would match anything ending in 纯…)
      expect((await api.get(`/archives?q=${encodeURIComponent('%纯')}`, rep)).body.items).toHaveLength(0);
      expect(
        (await api.get(`/archives/${id}/history`, mm)).body.items.map((x: { field: string }) => x.field),
      ).toEqual(['(created)', 'company.address', 'tier']);
      expect((await api.get(`/archives/${id}/as-of?revision=0`, mm)).body.revision).toBe('0');
      expect((await api.get('/boards/contacts', rep)).body.items).toHaveLength(1);
      expect((await api.get('/boards/sla?state=resolved_on_time', rep)).body.items).toHaveLength(1);
      expect((await api.get('/registers/borrowings?status=lent', rep)).body.items).toHaveLength(1);
      expect((await api.get('/registers/destructions', rep)).body.items).toHaveLength(0);
      expect((await api.get('/reports/distribution', mm)).body).toMatchObject({
        archives: 1,
        byTier: { A: 1 },
        movementTotals: { up: 1, down: 0 },
      });
      expect((await api.get(`/audit/changes?archive=${id}`, au)).body.items.length).toBeGreaterThanOrEqual(3);
      expect(
        (await api.get(`/audit/reads?archive=${id}&after=${detail.body.readPosition}`, au)).body.items.length,
      ).toBeGreaterThanOrEqual(1);
      expect((await api.get(`/archives/${id}/verify`, au)).body.verified).toBe(true);
      const digest = await api.get('/audit/digest', au);
      expect((await api.get(`/audit/verify?digest=${digest.body.token}`, au)).body.verified).toBe(true);
      expect((await api.get('/health')).body.status).toBe('ok');
    });
  });

exercise('PostgreSQL read models beside the SQLite event store', (db) => ({ readModelsUrl: db.url }));
exercise('everything on PostgreSQL (DOSSIER_STORE_URL=postgres://…)', (db) => ({ storeUrl: db.url }));
