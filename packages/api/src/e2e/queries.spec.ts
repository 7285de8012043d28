import Database from 'better-sqlite3';
import type { TestApp } from '../testing/test-app';
import { anArchiveBody, http, minutesAgo, startTestApp } from '../testing/test-app';

describe('queries, audit and integrity over HTTP (issue #5)', () => {
  let t: TestApp;
  let api: ReturnType<typeof http>;
  const tk: Record<string, string> = {};
  let id: string;
  let aTier: string;
  let last: string;

  beforeAll(async () => {
    t = await startTestApp();
    api = http(t.url);
    for (const [n, role, sub] of [
      ['rep', 'sales_rep', 'rep-1'],
      ['rep2', 'sales_rep', 'rep-2'],
      ['mm', 'marketing_manager', 'mm-1'],
      ['md', 'marketing_director', 'md-1'],
      ['cs', 'customer_service', 'cs-1'],
      ['au', 'auditor', 'au-1'],
      ['od', 'other_department', 'od-1'],
    ] as const)
      tk[n] = await t.token(role, sub);
    id = (await api.post('/archives', tk.rep, anArchiveBody())).body.archiveId;
    await api.post(`/archives/${id}/information`, tk.rep, {
      receiptId: 'r1',
      channel: 'phone',
      summary: '换账号',
      receivedAt: minutesAgo(3 * 24 * 60),
    });
    await api.post(`/archives/${id}/information`, tk.rep, {
      receiptId: 'r2',
      channel: 'phone',
      summary: '新地址',
      receivedAt: minutesAgo(60),
    });
    await api.patch(`/archives/${id}`, tk.rep, {
      changes: { company: { bankAccount: '6228 0000 1111 2222' } },
      reason: '换开户账号',
      resolves: ['r1'],
    });
    await api.post(`/archives/${id}/contacts`, tk.rep, {
      channel: 'phone',
      contactedAt: minutesAgo(30),
      withWhom: '王丽华',
    });
    const a = await api.post(
      '/archives',
      tk.rep,
      anArchiveBody({
        tier: 'A',
        profile: { ...anArchiveBody().profile, company: { name: '北京华信电子科技有限公司' } },
      }),
    );
    aTier = a.body.archiveId;
    last = a.body.position;
  });
  afterAll(() => t.close());

  it('GET /archives: filters and keyset pages from the list read model (?after= reads your writes)', async () => {
    for (let i = 0; i < 3; i++)
      last = (await api.post('/archives', tk.rep, anArchiveBody({ tier: 'C' }))).body.position;
    const all = await api.get(`/archives?after=${last}&limit=2`, tk.rep);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.next).toEqual(expect.any(String));
    const rest = await api.get(`/archives?limit=2&cursor=${encodeURIComponent(all.body.next)}`, tk.rep);
    const more = await api.get(`/archives?limit=2&cursor=${encodeURIComponent(rest.body.next)}`, tk.rep);
    const ids = [...all.body.items, ...rest.body.items, ...more.body.items].map(
      (x: { archiveId: string }) => x.archiveId,
    );
    expect(new Set(ids).size).toBe(5);
    expect(more.body.next).toBeNull();
    const cs = await api.get('/archives?tier=C', tk.rep);
    expect(cs.body.items).toHaveLength(3);
    const byName = await api.get(`/archives?q=${encodeURIComponent('华信')}`, tk.rep);
    expect(byName.body.items.map((x: { archiveId: string }) => x.archiveId)).toEqual([aTier]);
    expect((await api.get('/archives?tier=D', tk.rep)).status).toBe(400);
    expect((await api.get('/archives', tk.od)).status).toBe(403);
  });

  it('GET /archives/{id}: personal fields decrypted, the read logged with its grant in a stream of its own', async () => {
    const before = (await t.dossier.events.readStream(`archive-${id}`)).length;
    const res = await api.get(`/archives/${id}?after=${last}`, tk.rep);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ archiveId: id, revision: '4', status: 'open', grant: 'custodian' });
    expect(res.body.archive.profile.people[0].name).toBe('王丽华');
    expect(res.body.archive.profile.company.bankAccount).toBe('6228 0000 1111 2222');
    expect(res.headers.get('etag')).toBe('"4"');
    expect((await t.dossier.events.readStream(`archive-${id}`)).length).toBe(before); // the revision is unchanged
    const reads = await t.dossier.events.readStream(`read-log-${id}`);
    expect(reads.at(-1)!.data).toMatchObject({
      archiveId: id,
      grant: 'custodian',
      reader: { id: 'rep-1', role: 'sales_rep' },
    });
    const other = await api.get(`/archives/${id}`, tk.mm);
    expect(other.body.grant).toBe('role:marketing_manager');
  });

  it('GET /archives/{id}: A-tier detail is refused to a sales rep with the rule named, and that refusal is not a read', async () => {
    const reads = (await t.dossier.events.readStream(`read-log-${aTier}`)).length;
    const res = await api.get(`/archives/${aTier}?after=${last}`, tk.rep2);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe(
      'A-tier detail requires marketing manager or above, or an active borrowing (000 §六.3)',
    );
    expect(res.body.code).toBe('access.needs_grant');
    expect((await t.dossier.events.readStream(`read-log-${aTier}`)).length).toBe(reads);
    expect((await api.get('/archives/no-such-archive', tk.mm)).status).toBe(404);
  });

  it('GET /archives/{id}: an active borrowing is a grant, and the read log names it', async () => {
    const b = await api.post(`/archives/${aTier}/borrowings`, tk.rep2, { purpose: '合同谈判' });
    await api.post(`/borrowings/${b.body.id}/approve`, tk.mm);
    const lent = await api.post(`/borrowings/${b.body.id}/lend`, tk.cs, {});
    const res = await api.get(`/archives/${aTier}?after=${lent.body.position}`, tk.rep2);
    expect(res.status).toBe(200);
    expect(res.body.grant).toBe(`borrowing:${b.body.id}`);
    const log = await api.get(`/audit/reads?archive=${aTier}&after=${res.body.readPosition}`, tk.au);
    expect(log.body.items.at(-1)).toMatchObject({
      archiveId: aTier,
      grant: `borrowing:${b.body.id}`,
      reader: { id: 'rep-2' },
    });
  });

  it('GET /archives/{id}/history: field-level diffs with who, when, why; personal values withheld', async () => {
    const res = await api.get(`/archives/${id}/history`, tk.mm);
    expect(res.status).toBe(200);
    const fields = res.body.items.map((x: { field: string }) => x.field);
    expect(fields).toEqual(['(created)', 'company.bankAccount']);
    expect(res.body.items[1]).toMatchObject({
      actor: { id: 'rep-1', role: 'sales_rep' },
      reason: '换开户账号',
      after: { $personal: 'withheld' },
    });
    expect(JSON.stringify(res.body)).not.toContain('6228');
  });

  it('GET /archives/{id}/as-of: replayed from the events at a revision or a time', async () => {
    const r0 = await api.get(`/archives/${id}/as-of?revision=0`, tk.mm);
    expect(r0.status).toBe(200);
    expect(r0.body).toMatchObject({ revision: '0', currentRevision: '4' });
    expect(r0.body.archive.profile.company.bankAccount).toEqual({ $personal: 'withheld' });
    expect(r0.body.archive.receipts).toEqual({});
    const r2 = await api.get(`/archives/${id}/as-of?revision=2`, tk.mm);
    expect(Object.keys(r2.body.archive.receipts)).toEqual(['r1', 'r2']);
    const now = await api.get(
      `/archives/${id}/as-of?at=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      tk.mm,
    );
    expect(now.body.revision).toBe('4');
    const before = await api.get(`/archives/${id}/as-of?at=2000-01-01T00:00:00Z`, tk.mm);
    expect(before.status).toBe(404);
    expect((await api.get(`/archives/${id}/as-of`, tk.mm)).status).toBe(400);
    expect((await api.get(`/archives/${id}/as-of?at=yesterday`, tk.mm)).status).toBe(400);
  });

  it('boards, registers and the distribution report', async () => {
    const contacts = await api.get(`/boards/contacts?after=${last}`, tk.rep);
    expect(contacts.status).toBe(200);
    expect(contacts.body.items.find((x: { archiveId: string }) => x.archiveId === id)).toMatchObject({
      tier: 'B',
      phone: { last: expect.any(String), dueOn: expect.any(String), state: 'not_due' },
    });
    const sla = await api.get(`/boards/sla?archive=${id}`, tk.rep);
    expect(sla.body.items.map((x: { receiptId: string; state: string }) => [x.receiptId, x.state])).toEqual([
      ['r1', 'resolved_late'],
      ['r2', 'on_time'],
    ]);
    expect(
      (await api.get('/boards/sla?state=open', tk.rep)).body.items.map(
        (x: { receiptId: string }) => x.receiptId,
      ),
    ).toEqual(['r2']);
    const borrowings = await api.get('/registers/borrowings?status=lent', tk.rep);
    expect(borrowings.body.items).toHaveLength(1);
    expect(borrowings.body.items[0]).toMatchObject({
      archiveId: aTier,
      status: 'lent',
      dueAt: expect.any(String),
    });
    const destructions = await api.get('/registers/destructions', tk.rep);
    expect(destructions.body).toEqual({ items: [], next: null });
    const report = await api.get(`/reports/distribution?after=${last}`, tk.mm);
    expect(report.body).toMatchObject({
      archives: 5,
      byTier: { A: 1, B: 1, C: 3 },
      byIndustry: { machinery: 5 },
      byRegion: { east: 5 },
    });
    const tier = await api.post(`/archives/${id}/tier`, tk.mm, { to: 'A', reason: '升级' });
    const moved = await api.get(`/reports/distribution?after=${tier.body.position}`, tk.mm);
    expect(moved.body.movementTotals).toEqual({ up: 1, down: 0 });
  });

  it('GET /audit/changes and /audit/reads: for auditors (and department heads, customer service), filtered', async () => {
    const changes = await api.get('/audit/changes?actor=rep-1', tk.au);
    expect(changes.status).toBe(200);
    expect(changes.body.items.length).toBeGreaterThan(0);
    expect(changes.body.items.every((c: { actor: { id: string } }) => c.actor.id === 'rep-1')).toBe(true);
    const reads = await api.get(`/audit/reads?archive=${id}&actor=mm-1`, tk.au);
    expect(reads.body.items.length).toBeGreaterThan(0);
    expect((await api.get('/audit/changes', tk.rep)).status).toBe(403);
  });

  it('GET /archives/{id}/verify and /audit/verify: verified, or the first broken link after tampering', async () => {
    const one = await api.get(`/archives/${id}/verify`, tk.au);
    expect(one.body).toMatchObject({ archiveId: id, verified: true });
    const all = await api.get('/audit/verify', tk.au);
    expect(all.body).toMatchObject({ verified: true });
    const digest = await api.get('/audit/digest', tk.au);
    expect(digest.body).toMatchObject({
      algorithm: 'Ed25519',
      position: expect.any(String),
      root: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const ok = await api.get(`/audit/verify?digest=${digest.body.token}`, tk.au);
    expect(ok.body).toMatchObject({ verified: true });
    const forged = digest.body.token.replace(/\.[0-9a-f]{4}/, '.0000');
    expect((await api.get(`/audit/verify?digest=${forged}`, tk.au)).body).toMatchObject({
      verified: false,
      reason: 'signature-invalid',
    });
    // later events do not disturb a digest
    await api.post(`/archives/${id}/contacts`, tk.rep, {
      channel: 'phone',
      contactedAt: minutesAgo(1),
      withWhom: '王丽华',
    });
    expect((await api.get(`/audit/verify?digest=${digest.body.token}`, tk.au)).body.verified).toBe(true);
    // somebody edits a stored event behind the store's back
    const db = new Database(t.dbPath);
    db.prepare(
      `UPDATE events SET data = json_set(data, '$.reason', '篡改') WHERE stream_id = ? AND revision = 2`,
    ).run(`archive-${id}`);
    db.close();
    const broken = await api.get(`/archives/${id}/verify`, tk.au);
    expect(broken.body).toMatchObject({
      verified: false,
      brokenLink: { streamId: `archive-${id}`, revision: '2', reason: 'hash-mismatch' },
    });
    const whole = await api.get('/audit/verify', tk.au);
    expect(whole.body).toMatchObject({
      verified: false,
      brokenLink: { streamId: `archive-${id}`, revision: '2' },
    });
    const against = await api.post('/audit/verify', tk.au, {
      token: digest.body.token,
      heads: digest.body.heads,
    });
    expect(against.body).toMatchObject({ verified: false, reason: 'broken-link' });
  });

  it('OpenAPI at /openapi.json and /docs, generated from the codecs; /health is public', async () => {
    const doc = await api.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const create = doc.body.paths['/archives'].post;
    expect(create.requestBody.content['application/json'].schema).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['custodian', 'tier', 'secrecyLevel', 'profile']),
    });
    expect(doc.body.components.schemas.Profile).toMatchObject({
      required: ['company', 'classification', 'people', 'business'],
    });
    expect(doc.body.components.schemas.Classification.properties.nature.enum).toContain('sino_foreign_jv');
    expect(doc.body.paths['/archives'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['tier', 'cursor', 'after']),
    );
    const contact =
      doc.body.paths['/archives/{id}/contacts'].post.requestBody.content['application/json'].schema;
    expect(contact.required).not.toContain('contactId');
    expect(contact.properties.contactedAt).toMatchObject({ format: 'date-time' });
    const html = await api.get('/docs');
    expect(html.status).toBe(200);
    expect(String(html.body)).toContain('swagger');
    expect((await api.get('/health')).body).toMatchObject({ status: 'ok' });
  });

  it('借阅 register (DOMAIN.md §6): pages by borrowing and archive, so a borrowing id two archives share is listed for both', async () => {
    const a = await api.post(`/archives/${id}/borrowings`, tk.rep, {
      borrowingId: 'shared-b',
      purpose: '对账',
    });
    const b = await api.post(`/archives/${aTier}/borrowings`, tk.rep, {
      borrowingId: 'shared-b',
      purpose: '对账',
    });
    expect([a.status, b.status]).toEqual([200, 200]);
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let n = 0; cursor !== null && n < 20; n++) {
      const page = await api.get(
        `/registers/borrowings?status=requested&limit=1&after=${b.body.position}${cursor ? `&cursor=${cursor}` : ''}`,
        tk.mm,
      );
      expect(page.status).toBe(200);
      seen.push(
        ...page.body.items.map(
          (x: { archiveId: string; borrowingId: string }) => `${x.borrowingId}@${x.archiveId}`,
        ),
      );
      cursor = page.body.next;
    }
    expect(seen.filter((x) => x.startsWith('shared-b@')).sort()).toEqual(
      [`shared-b@${id}`, `shared-b@${aTier}`].sort(),
    );
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await api.get('/registers/borrowings?cursor=not-a-cursor', tk.mm);
    expect(bad.status).toBe(400);
  });
});
