import type { TestApp } from '../testing/test-app';
import { anArchiveBody, http, minutesAgo, startTestApp } from '../testing/test-app';

describe('commands over HTTP (issue #5)', () => {
  let t: TestApp;
  let api: ReturnType<typeof http>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    api = http(t.url);
    for (const [name, role] of [
      ['rep', 'sales_rep'],
      ['sm', 'sales_manager'],
      ['mm', 'marketing_manager'],
      ['md', 'marketing_director'],
      ['cs', 'customer_service'],
      ['cs2', 'customer_service'],
      ['dh', 'department_head'],
      ['au', 'auditor'],
      ['od', 'other_department'],
      ['sys', 'system'],
    ] as const)
      tokens[name] = await t.token(role, name === 'rep' ? 'rep-1' : name);
  });
  afterAll(() => t.close());

  const create = async (overrides: Record<string, unknown> = {}, token = tokens.rep!) => {
    const res = await api.post('/archives', token, anArchiveBody(overrides));
    expect(res.status).toBe(201);
    return res.body.archiveId as string;
  };

  it('POST /archives (建档) answers 201 with the archive id, revision 0, the global position, ETag and Location', async () => {
    const res = await api.post('/archives', tokens.rep, anArchiveBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      revision: '0',
      replayed: false,
      events: [{ type: 'ArchiveCreated', revision: '0' }],
    });
    expect(BigInt(res.body.position)).toBeGreaterThan(0n);
    expect(res.headers.get('etag')).toBe('"0"');
    expect(res.headers.get('location')).toBe(`/archives/${res.body.archiveId}`);
  });

  it('Idempotency-Key: a retried POST /archives creates one archive and answers the first result', async () => {
    const headers = { 'idempotency-key': 'create-once-1' };
    const a = await api.post('/archives', tokens.rep, anArchiveBody(), headers);
    const head = await t.dossier.events.headPosition();
    const b = await api.post('/archives', tokens.rep, anArchiveBody(), headers);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.archiveId).toBe(a.body.archiveId);
    expect(b.body.position).toBe(a.body.position);
    expect(b.body.replayed).toBe(true);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await t.dossier.events.headPosition()).toBe(head);
  });

  it('Idempotency-Key is scoped to the caller: the same key from another user is another command', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const a = await api.post('/archives', tokens.rep, anArchiveBody(), headers);
    const b = await api.post('/archives', tokens.mm, anArchiveBody(), headers);
    expect(b.status).toBe(201);
    expect(b.body.archiveId).not.toBe(a.body.archiveId);
  });

  it('Idempotency-Key reused for another command on the same archive → 422, nothing appended', async () => {
    const id = await create();
    const headers = { 'idempotency-key': 'k-contact' };
    const c = await api.post(
      `/archives/${id}/contacts`,
      tokens.rep,
      { channel: 'phone', contactedAt: minutesAgo(5), withWhom: '王丽华' },
      headers,
    );
    expect(c.status).toBe(200);
    const head = await t.dossier.events.headPosition();
    const x = await api.post(
      `/archives/${id}/transactions`,
      tokens.rep,
      {
        number: 'HT-1',
        occurredAt: minutesAgo(5),
        amount: { minor: 100, currency: 'CNY' },
        personInCharge: '李明',
        breachOfContract: false,
      },
      headers,
    );
    expect(x.status).toBe(422);
    expect(x.body.code).toBe('idempotency.key-reused');
    expect(await t.dossier.events.headPosition()).toBe(head);
  });

  it('every archive command: 获取信息, 更新, contact, transaction, 升降级, 移交, 密级, 冻结 — each answers revision and position', async () => {
    const id = await create();
    const info = await api.post(`/archives/${id}/information`, tokens.rep, {
      receiptId: 'r-1',
      channel: 'phone',
      summary: '客户地址变更',
      receivedAt: minutesAgo(24 * 60),
    });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ revision: '1', id: 'r-1', events: [{ type: 'InformationReceived' }] });
    const upd = await api.patch(
      `/archives/${id}`,
      tokens.rep,
      {
        changes: { company: { address: '上海市闵行区 1 号' } },
        reason: '地址变更',
        resolves: ['r-1'],
      },
      { 'if-match': '"1"' },
    );
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ revision: '2', events: [{ type: 'ArchiveUpdated' }] });
    expect(upd.headers.get('etag')).toBe('"2"');
    const contact = await api.post(`/archives/${id}/contacts`, tokens.rep, {
      channel: 'visit',
      contactedAt: minutesAgo(60),
      withWhom: '王丽华',
      summary: '拜访',
    });
    expect(contact.body).toMatchObject({ revision: '3', events: [{ type: 'ContactLogged' }] });
    expect(typeof contact.body.id).toBe('string');
    const tx = await api.post(`/archives/${id}/transactions`, tokens.rep, {
      number: 'HT-2026-1',
      occurredAt: minutesAgo(30),
      amount: { minor: 12_000_000, currency: 'CNY' },
      personInCharge: '李明',
      breachOfContract: false,
    });
    expect(tx.body).toMatchObject({ revision: '4', events: [{ type: 'TransactionRecorded' }] });
    const tier = await api.post(`/archives/${id}/tier`, tokens.mm, { to: 'A', reason: '年采购额进入前 20%' });
    expect(tier.body).toMatchObject({ revision: '5', events: [{ type: 'TierChanged' }] });
    const handover = await api.post(`/archives/${id}/handover`, tokens.dh, {
      to: { id: 'rep-2', name: '张伟' },
      reason: '原业务员离职',
      signedOffBy: [
        { id: 'dh', role: 'department_head' },
        { id: 'cs', role: 'customer_service' },
      ],
    });
    expect(handover.body).toMatchObject({ revision: '6', events: [{ type: 'CustodianChanged' }] });
    const secrecy = await api.post(`/archives/${id}/secrecy`, tokens.cs, {
      to: 'confidential',
      reason: '客户要求',
    });
    expect(secrecy.body).toMatchObject({ revision: '7', events: [{ type: 'SecrecyLevelChanged' }] });
    const hold = await api.post(`/archives/${id}/holds`, tokens.au, { kind: 'audit', reason: '年度审计' });
    expect(hold.body).toMatchObject({ revision: '8', events: [{ type: 'HoldPlaced' }] });
    const release = await api.post(`/archives/${id}/holds/${hold.body.id}/release`, tokens.au, {
      reason: '审计结束',
    });
    expect(release.body).toMatchObject({ revision: '9', events: [{ type: 'HoldReleased' }] });
    const finding = await api.post(`/archives/${id}/findings`, tokens.sys, {
      finding: { type: 'ReviewDue', data: { kind: 'yearly_full', dueOn: '2026-03-01' } },
    });
    expect(finding.body).toMatchObject({ revision: '10', events: [{ type: 'ReviewDue' }] });
  });

  it('借阅: request → approve → lend → return through /borrowings/{bid}/…, found through the read models', async () => {
    const id = await create();
    const req = await api.post(`/archives/${id}/borrowings`, tokens.od, { purpose: '财务对账' });
    expect(req.status).toBe(200);
    const bid = req.body.id as string;
    expect(bid).toBeTruthy();
    const self = await api.post(`/borrowings/${bid}/approve`, tokens.od);
    expect(self.status).toBe(403); // other departments may not approve at all
    const wrong = await api.post(`/borrowings/${bid}/approve`, tokens.cs);
    expect(wrong.status).toBe(409); // other departments' borrowings need the marketing director
    expect(wrong.body.code).toBe('borrowing.approver-role');
    const ok = await api.post(`/borrowings/${bid}/approve`, tokens.md);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ archiveId: id, events: [{ type: 'BorrowApproved' }] });
    const third = await api.post(`/borrowings/${bid}/lend`, tokens.cs, { to: 'someone-else' });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('borrowing.third-party');
    const lent = await api.post(`/borrowings/${bid}/lend`, tokens.cs, {});
    expect(lent.body).toMatchObject({ archiveId: id, events: [{ type: 'ArchiveLent' }] });
    const back = await api.post(`/borrowings/${bid}/return`, tokens.cs, { condition: 'intact' });
    expect(back.body).toMatchObject({ archiveId: id, events: [{ type: 'ArchiveReturned' }] });
    const req2 = await api.post(`/archives/${id}/borrowings`, tokens.rep, { purpose: '合同谈判' });
    const rejected = await api.post(`/borrowings/${req2.body.id}/reject`, tokens.mm, {
      reason: '用途不充分',
    });
    expect(rejected.body.events[0].type).toBe('BorrowRejected');
    const missing = await api.post('/borrowings/no-such-borrowing/approve', tokens.md);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('对外提供: the disclosure needs both the department head and the marketing director', async () => {
    const id = await create();
    const req = await api.post(`/archives/${id}/disclosures`, tokens.rep, {
      recipient: '会计师事务所',
      purpose: '审计函证',
    });
    const did = req.body.id as string;
    const early = await api.post(`/disclosures/${did}/disclose`, tokens.cs);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: 'disclosure.needs-both-approvals',
      rule: expect.stringContaining('004 §5.2.4'),
    });
    expect((await api.post(`/disclosures/${did}/approve`, tokens.dh)).status).toBe(200);
    expect((await api.post(`/disclosures/${did}/approve`, tokens.md)).status).toBe(200);
    const done = await api.post(`/disclosures/${did}/disclose`, tokens.cs);
    expect(done.body).toMatchObject({ archiveId: id, events: [{ type: 'ArchiveDisclosed' }] });
  });

  it('销毁: request → approve → execute before two witnesses; afterwards only reads remain', async () => {
    const id = await create({
      profile: {
        ...anArchiveBody().profile,
        classification: { industry: 'food', region: 'west', nature: 'private_limited', status: 'potential' },
      },
    });
    const req = await api.post(`/archives/${id}/destruction`, tokens.cs, {
      reason: '未达成协议且无保存价值',
      basis: 'no_agreement',
    });
    expect(req.status).toBe(200);
    const xid = req.body.id as string;
    const own = await api.post(`/destructions/${xid}/approve`, tokens.cs);
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('destruction.approver-is-requester');
    expect((await api.post(`/destructions/${xid}/approve`, tokens.dh)).status).toBe(200);
    const oneWitness = await api.post(`/destructions/${xid}/execute`, tokens.cs2, {
      witnesses: [{ id: 'w-1' }],
      method: 'crypto-shredding',
    });
    expect(oneWitness.status).toBe(400);
    expect(oneWitness.body.errors).toEqual([{ path: 'witnesses', rule: expect.stringContaining('two') }]);
    const done = await api.post(`/destructions/${xid}/execute`, tokens.cs2, {
      witnesses: [
        { id: 'w-1', name: '监销人甲' },
        { id: 'w-2', name: '监销人乙' },
      ],
      method: 'crypto-shredding',
    });
    expect(done.status).toBe(200);
    expect(done.body.events[0].type).toBe('ArchiveDestroyed');
    const after = await api.post(`/archives/${id}/contacts`, tokens.mm, {
      channel: 'phone',
      contactedAt: minutesAgo(1),
      withWhom: 'x',
    });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('archive.destroyed');
  });

  it('If-Match: a stale revision → 412 with the current revision, nothing appended', async () => {
    const id = await create();
    await api.post(`/archives/${id}/contacts`, tokens.rep, {
      channel: 'phone',
      contactedAt: minutesAgo(3),
      withWhom: '王丽华',
    });
    const head = await t.dossier.events.headPosition();
    const res = await api.post(
      `/archives/${id}/contacts`,
      tokens.rep,
      { channel: 'phone', contactedAt: minutesAgo(2), withWhom: '王丽华' },
      { 'if-match': '0' },
    );
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ code: 'revision.stale', currentRevision: '1' });
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await t.dossier.events.headPosition()).toBe(head);
  });

  it('20 concurrent PATCHes with the same If-Match: exactly one wins, 19 are answered 412, one event appended', async () => {
    const id = await create();
    const head = await t.dossier.events.headPosition();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.patch(
          `/archives/${id}`,
          tokens.rep,
          { changes: { company: { phone: `021-0000 ${String(i).padStart(4, '0')}` } }, reason: `并发 ${i}` },
          { 'if-match': '"0"' },
        ),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    expect(await t.dossier.events.headPosition()).toBe(head + 1n);
  });

  it('a domain rule broken → 409 naming the rule (an update that changes nothing)', async () => {
    const id = await create();
    const res = await api.patch(`/archives/${id}`, tokens.rep, {
      changes: { company: { name: '上海东方精密机械有限公司' } },
      reason: '重复',
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 409,
      code: 'update.no-change',
      rule: 'DOMAIN.md §2 (更新)',
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
  });
});
