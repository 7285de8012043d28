import type { Role } from '@dossier/core';
import type { Answer, TestApp } from '../testing/test-app';
import { anArchiveBody, http, minutesAgo, startTestApp } from '../testing/test-app';

/*
 * DOMAIN.md §6, role × action, written out from the domain text (not from the policy code), and driven
 * through HTTP. A forbidden cell must be a 403 problem naming the rule; an allowed cell must pass the access
 * policy (2xx, or a 409 when a finer domain rule — e.g. which approver fits which requester — says no).
 */
const roles: Role[] = [
  'sales_rep',
  'sales_manager',
  'marketing_manager',
  'marketing_director',
  'customer_service',
  'department_head',
  'auditor',
  'other_department',
  'system',
];
const staff: Role[] = [
  'sales_rep',
  'sales_manager',
  'marketing_manager',
  'marketing_director',
  'customer_service',
  'department_head',
];
const managersUp: Role[] = ['marketing_manager', 'marketing_director', 'customer_service', 'department_head'];

interface Fixture {
  id: string;
  after: string;
  sub?: string;
}
interface Case {
  readonly action: string;
  readonly allowed: readonly Role[];
  readonly archive?: Record<string, unknown>;
  /** Steps after creation, run by the given roles (e.g. a borrowing to approve). */
  readonly prepare?: (t: Ctx, f: Fixture) => Promise<Fixture>;
  readonly run: (t: Ctx, token: string, f: Fixture) => Promise<Answer>;
}
interface Ctx {
  api: ReturnType<typeof http>;
  as: (role: Role, id?: string) => Promise<string>;
}

const contact = { channel: 'phone', contactedAt: minutesAgo(10), withWhom: '王丽华' };
const borrowing =
  (requester: Role) =>
  async (t: Ctx, f: Fixture): Promise<Fixture> => {
    const r = await t.api.post(`/archives/${f.id}/borrowings`, await t.as(requester, 'requester'), {
      purpose: '核对',
    });
    return { ...f, sub: r.body.id, after: r.body.position };
  };
const approved =
  (requester: Role) =>
  async (t: Ctx, f: Fixture): Promise<Fixture> => {
    const b = await borrowing(requester)(t, f);
    const a = await t.api.post(
      `/borrowings/${b.sub}/approve`,
      await t.as(requester === 'other_department' ? 'marketing_director' : 'customer_service', 'approver'),
    );
    return { ...b, after: a.body.position };
  };
const lentTo =
  (requester: Role) =>
  async (t: Ctx, f: Fixture): Promise<Fixture> => {
    const b = await approved(requester)(t, f);
    const l = await t.api.post(`/borrowings/${b.sub}/lend`, await t.as('customer_service', 'keeper'), {});
    return { ...b, after: l.body.position };
  };
const disclosure =
  (approvals: Role[]) =>
  async (t: Ctx, f: Fixture): Promise<Fixture> => {
    const d = await t.api.post(`/archives/${f.id}/disclosures`, await t.as('sales_rep', 'requester'), {
      recipient: '律所',
      purpose: '诉讼',
    });
    for (const r of approvals)
      await t.api.post(`/disclosures/${d.body.id}/approve`, await t.as(r, `approver-${r}`));
    return { ...f, sub: d.body.id, after: d.body.position };
  };
const destruction =
  (approve: boolean) =>
  async (t: Ctx, f: Fixture): Promise<Fixture> => {
    const x = await t.api.post(`/archives/${f.id}/destruction`, await t.as('customer_service', 'requester'), {
      reason: '无保存价值',
      basis: 'no_agreement',
    });
    if (approve)
      await t.api.post(`/destructions/${x.body.id}/approve`, await t.as('department_head', 'approver'));
    return { ...f, sub: x.body.id, after: x.body.position };
  };
const detail = (t: Ctx, token: string, f: Fixture) => t.api.get(`/archives/${f.id}?after=${f.after}`, token);

const cases: Case[] = [
  { action: 'list archives', allowed: [...staff, 'auditor'], run: (t, k) => t.api.get('/archives', k) },
  { action: 'read detail (B, internal)', allowed: [...staff, 'auditor', 'system'], run: detail },
  {
    action: 'read detail (A-tier)',
    allowed: [...managersUp, 'auditor', 'system'],
    archive: { tier: 'A' },
    run: detail,
  },
  {
    action: 'read detail (confidential)',
    allowed: ['sales_manager', ...managersUp, 'auditor', 'system'],
    archive: { secrecyLevel: 'confidential' },
    run: detail,
  },
  {
    action: 'read detail (secret)',
    allowed: ['marketing_director', 'department_head', 'auditor', 'system'],
    archive: { secrecyLevel: 'secret' },
    run: detail,
  },
  {
    action: 'read detail (A-tier, lent to the reader)',
    allowed: [...staff, 'auditor', 'other_department', 'system'],
    archive: { tier: 'A' },
    // every role reads as the borrower of the active borrowing
    prepare: lentTo('sales_rep'),
    run: (t, _k, f) => t.as(roleOfRun, 'requester').then((k) => detail(t, k, f)),
  },
  {
    action: 'read history',
    allowed: [...staff, 'auditor'],
    run: (t, k, f) => t.api.get(`/archives/${f.id}/history?after=${f.after}`, k),
  },
  {
    action: 'as-of replay',
    allowed: [...staff, 'auditor'],
    run: (t, k, f) => t.api.get(`/archives/${f.id}/as-of?revision=0`, k),
  },
  {
    action: 'audit: changes',
    allowed: ['auditor', 'department_head', 'customer_service'],
    run: (t, k) => t.api.get('/audit/changes', k),
  },
  {
    action: 'audit: reads',
    allowed: ['auditor', 'department_head', 'customer_service'],
    run: (t, k) => t.api.get('/audit/reads', k),
  },
  {
    action: 'audit: digest',
    allowed: ['auditor', 'department_head', 'customer_service'],
    run: (t, k) => t.api.get('/audit/digest', k),
  },
  { action: '建档 create', allowed: staff, run: (t, k) => t.api.post('/archives', k, anArchiveBody()) },
  {
    action: '更新 update',
    allowed: staff,
    run: (t, k, f) =>
      t.api.patch(`/archives/${f.id}`, k, { changes: { company: { fax: '021-1' } }, reason: '补充传真' }),
  },
  {
    action: '获取信息 information',
    allowed: staff,
    run: (t, k, f) =>
      t.api.post(`/archives/${f.id}/information`, k, {
        channel: 'mail',
        summary: '新信息',
        receivedAt: minutesAgo(5),
      }),
  },
  {
    action: 'log contact',
    allowed: staff,
    run: (t, k, f) => t.api.post(`/archives/${f.id}/contacts`, k, contact),
  },
  {
    action: 'log contact (A-tier)',
    allowed: managersUp,
    archive: { tier: 'A' },
    run: (t, k, f) => t.api.post(`/archives/${f.id}/contacts`, k, contact),
  },
  {
    action: 'record transaction',
    allowed: staff,
    run: (t, k, f) =>
      t.api.post(`/archives/${f.id}/transactions`, k, {
        number: 'HT-1',
        occurredAt: minutesAgo(5),
        amount: { minor: 100, currency: 'CNY' },
        personInCharge: '李明',
        breachOfContract: false,
      }),
  },
  {
    action: '升降级 change tier',
    allowed: managersUp,
    run: (t, k, f) => t.api.post(`/archives/${f.id}/tier`, k, { to: 'A', reason: '评审' }),
  },
  {
    action: '密级 change secrecy',
    allowed: ['customer_service'],
    run: (t, k, f) => t.api.post(`/archives/${f.id}/secrecy`, k, { to: 'secret', reason: '客户要求' }),
  },
  {
    action: '移交 handover',
    allowed: ['department_head', 'customer_service'],
    run: (t, k, f) =>
      t.api.post(`/archives/${f.id}/handover`, k, {
        to: { id: 'rep-9' },
        reason: '离职',
        signedOffBy: [
          { id: 'dh', role: 'department_head' },
          { id: 'cs', role: 'customer_service' },
        ],
      }),
  },
  {
    action: '冻结 hold',
    allowed: ['customer_service', 'department_head', 'auditor'],
    run: (t, k, f) => t.api.post(`/archives/${f.id}/holds`, k, { kind: 'audit', reason: '抽查' }),
  },
  {
    action: '借阅 request',
    allowed: [...staff, 'auditor', 'other_department'],
    run: (t, k, f) => t.api.post(`/archives/${f.id}/borrowings`, k, { purpose: '核对' }),
  },
  {
    action: '借阅 approve',
    allowed: ['sales_manager', ...managersUp],
    prepare: borrowing('sales_rep'),
    run: (t, k, f) => t.api.post(`/borrowings/${f.sub}/approve?after=${f.after}`, k),
  },
  {
    action: '借阅 reject',
    allowed: ['sales_manager', ...managersUp],
    prepare: borrowing('sales_rep'),
    run: (t, k, f) => t.api.post(`/borrowings/${f.sub}/reject`, k, { reason: '不需要' }),
  },
  {
    action: '借出 lend',
    allowed: ['customer_service'],
    prepare: approved('sales_rep'),
    run: (t, k, f) => t.api.post(`/borrowings/${f.sub}/lend`, k, {}),
  },
  {
    action: '归还 return',
    allowed: ['customer_service'],
    prepare: lentTo('sales_rep'),
    run: (t, k, f) => t.api.post(`/borrowings/${f.sub}/return`, k, { condition: 'intact' }),
  },
  {
    action: '对外提供 request',
    allowed: staff,
    run: (t, k, f) => t.api.post(`/archives/${f.id}/disclosures`, k, { recipient: '律所', purpose: '诉讼' }),
  },
  {
    action: '对外提供 approve',
    allowed: ['department_head', 'marketing_director'],
    prepare: disclosure([]),
    run: (t, k, f) => t.api.post(`/disclosures/${f.sub}/approve`, k),
  },
  {
    action: '对外提供 disclose',
    allowed: ['customer_service', 'department_head', 'marketing_director'],
    prepare: disclosure(['department_head', 'marketing_director']),
    run: (t, k, f) => t.api.post(`/disclosures/${f.sub}/disclose`, k),
  },
  {
    action: '销毁 request',
    allowed: ['customer_service', 'department_head'],
    archive: {
      profile: {
        ...anArchiveBody().profile,
        classification: { industry: 'food', region: 'west', nature: 'private_limited', status: 'potential' },
      },
    },
    run: (t, k, f) =>
      t.api.post(`/archives/${f.id}/destruction`, k, { reason: '无保存价值', basis: 'no_agreement' }),
  },
  {
    action: '销毁 approve',
    allowed: ['department_head', 'marketing_director', 'customer_service'],
    archive: {
      profile: {
        ...anArchiveBody().profile,
        classification: { industry: 'food', region: 'west', nature: 'private_limited', status: 'potential' },
      },
    },
    prepare: destruction(false),
    run: (t, k, f) => t.api.post(`/destructions/${f.sub}/approve`, k),
  },
  {
    action: '销毁 execute',
    allowed: ['customer_service'],
    archive: {
      profile: {
        ...anArchiveBody().profile,
        classification: { industry: 'food', region: 'west', nature: 'private_limited', status: 'potential' },
      },
    },
    prepare: destruction(true),
    run: (t, k, f) =>
      t.api.post(`/destructions/${f.sub}/execute`, k, {
        witnesses: [{ id: 'w-1' }, { id: 'w-2' }],
        method: 'crypto-shredding',
      }),
  },
  {
    action: 'worker finding',
    allowed: ['system'],
    run: (t, k, f) =>
      t.api.post(`/archives/${f.id}/findings`, k, {
        finding: { type: 'ReviewDue', data: { kind: 'yearly_full', dueOn: '2026-03-01' } },
      }),
  },
];

let roleOfRun: Role = 'sales_rep';

describe('DOMAIN.md §6 access matrix over HTTP: every role × every action', () => {
  let app: TestApp;
  let ctx: Ctx;
  const cache = new Map<string, string>();

  beforeAll(async () => {
    app = await startTestApp();
    const api = http(app.url);
    ctx = {
      api,
      as: async (role, id = role) => {
        const key = `${role}/${id}`;
        if (!cache.has(key)) cache.set(key, await app.token(role, id));
        return cache.get(key)!;
      },
    };
  });
  afterAll(() => app.close());

  const cells = cases.flatMap((c) =>
    roles.map((role) => [c.action, role, c.allowed.includes(role) ? 'allowed' : 'forbidden', c] as const),
  );

  it.each(cells.map(([action, role, expected, c]) => [action, role, expected, c]))(
    '%s · %s → %s',
    async (_action, role, expected, c) => {
      roleOfRun = role as Role;
      const created = await ctx.api.post(
        '/archives',
        await ctx.as('marketing_director', 'creator'),
        anArchiveBody(c.archive ?? {}),
      );
      expect(created.status).toBe(201);
      let fixture: Fixture = { id: created.body.archiveId, after: created.body.position };
      if (c.prepare) fixture = await c.prepare(ctx, fixture);
      const res = await c.run(ctx, await ctx.as(role as Role, `actor-${role}`), fixture);
      if (expected === 'forbidden') {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({
          status: 403,
          code: expect.stringMatching(/^access\./),
          detail: expect.stringMatching(/DOMAIN\.md §6|000 §|004 §/),
        });
      } else {
        expect([200, 201, 409]).toContain(res.status);
        if (res.status === 409) expect(res.body.code).not.toMatch(/^access\./);
      }
    },
  );
});
