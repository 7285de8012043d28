import { SignJWT } from 'jose';
import type { Answer, TestApp } from '../testing/test-app';
import { TEST_SECRET, anArchiveBody, http, minutesAgo, startTestApp } from '../testing/test-app';

/** Every bad request is answered 4xx as application/problem+json, and nothing reaches the log. */
describe('bad inputs: 4xx problems, nothing appended', () => {
  let t: TestApp;
  let api: ReturnType<typeof http>;
  let rep: string;
  let id: string;
  let bid: string;
  let mm: string;

  beforeAll(async () => {
    t = await startTestApp({ bodyLimit: 8 * 1024 });
    api = http(t.url);
    rep = await t.token('sales_rep', 'rep-1');
    id = (await api.post('/archives', rep, anArchiveBody())).body.archiveId;
    mm = await t.token('marketing_manager', 'mm-1');
    bid = (await api.post(`/archives/${id}/borrowings`, mm, { purpose: '核对' })).body.id;
  });
  afterAll(() => t.close());

  const sign = (claims: Record<string, unknown>, secret = TEST_SECRET, exp: string | number = '1h') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('rep-1')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
  const contactOf = (extra: Record<string, unknown> = {}) => ({
    channel: 'phone',
    contactedAt: minutesAgo(5),
    withWhom: '王丽华',
    ...extra,
  });

  type Case = [string, number, () => Promise<Answer>, ((a: Answer) => void)?];
  const cases: Case[] = [
    ['no token', 401, () => api.post(`/archives/${id}/contacts`, undefined, contactOf())],
    [
      'not a bearer header',
      401,
      () => api.post(`/archives/${id}/contacts`, undefined, contactOf(), { authorization: 'Basic cmVwOnB3' }),
    ],
    [
      'token signed with another secret',
      401,
      async () =>
        api.post(
          `/archives/${id}/contacts`,
          await sign({ role: 'sales_rep' }, 'another-secret-another-secret-xx'),
          contactOf(),
        ),
    ],
    [
      'expired token',
      401,
      async () =>
        api.post(
          `/archives/${id}/contacts`,
          await sign({ role: 'sales_rep' }, TEST_SECRET, Math.floor(Date.now() / 1000) - 60),
          contactOf(),
        ),
      (a) => expect(a.body.detail).toMatch(/expired/),
    ],
    [
      'token with an unknown role',
      401,
      async () => api.post(`/archives/${id}/contacts`, await sign({ role: 'ceo' }), contactOf()),
      (a) => expect(a.body.detail).toMatch(/role/),
    ],
    [
      'a body that is not JSON',
      400,
      () =>
        api.call('POST', `/archives/${id}/contacts`, {
          token: rep,
          raw: '{"channel": "phone",',
          headers: { 'content-type': 'application/json' },
        }),
    ],
    ['a JSON array body', 400, () => api.post(`/archives/${id}/contacts`, rep, [contactOf()])],
    [
      'text/plain',
      415,
      () =>
        api.call('POST', `/archives/${id}/contacts`, {
          token: rep,
          raw: 'hello',
          headers: { 'content-type': 'text/plain' },
        }),
    ],
    [
      'a body over the size limit',
      413,
      () => api.post(`/archives/${id}/contacts`, rep, contactOf({ summary: 'x'.repeat(9000) })),
    ],
    [
      'an unknown field',
      400,
      () => api.post(`/archives/${id}/contacts`, rep, contactOf({ colour: 'red' })),
      (a) => expect(a.body.errors).toEqual([{ path: 'colour', rule: 'unknown field' }]),
    ],
    [
      'a nested unknown field and missing required fields, each named',
      400,
      () =>
        api.post(
          '/archives',
          rep,
          anArchiveBody({
            tier: undefined,
            profile: { ...anArchiveBody().profile, company: { colour: 'red' } },
          }),
        ),
      (a) =>
        expect(a.body.errors.map((e: { path: string }) => e.path)).toEqual(
          expect.arrayContaining(['tier', 'profile.company.colour', 'profile.company.name']),
        ),
    ],
    [
      'a value outside its enumeration',
      400,
      () => api.post('/archives', rep, anArchiveBody({ tier: 'D' })),
      (a) => expect(a.body.errors).toEqual([{ path: 'tier', rule: expect.any(String) }]),
    ],
    [
      'a wrong type deep inside',
      400,
      () =>
        api.post(`/archives/${id}/transactions`, rep, {
          number: 'HT',
          occurredAt: minutesAgo(5),
          amount: { minor: '100', currency: 'CNY' },
          personInCharge: 'x',
          breachOfContract: false,
        }),
      (a) => expect(a.body.errors[0].path).toBe('amount.minor'),
    ],
    ['a blank reason', 400, () => api.post(`/archives/${id}/tier`, rep, { to: 'A', reason: '   ' })],
    [
      'the actor in the body',
      400,
      () =>
        api.post(
          `/archives/${id}/contacts`,
          rep,
          contactOf({ actor: { id: 'boss', role: 'department_head', department: 'x' } }),
        ),
      (a) => expect(a.body.errors).toEqual([{ path: 'actor', rule: 'unknown field' }]),
    ],
    [
      'the archive id in the body',
      400,
      () => api.post(`/archives/${id}/contacts`, rep, contactOf({ archiveId: 'other' })),
    ],
    [
      'the path id in the body',
      400,
      () => api.post(`/borrowings/${bid}/reject`, rep, { borrowingId: 'x', reason: 'r' }),
    ],
    [
      'a malformed Idempotency-Key',
      400,
      () => api.post(`/archives/${id}/contacts`, rep, contactOf(), { 'idempotency-key': 'k'.repeat(201) }),
    ],
    [
      'a malformed If-Match',
      400,
      () => api.post(`/archives/${id}/contacts`, rep, contactOf(), { 'if-match': 'yesterday' }),
    ],
    [
      'a stale If-Match',
      412,
      () => api.post(`/archives/${id}/contacts`, rep, contactOf(), { 'if-match': '"7"' }),
    ],
    [
      'a contact in the future',
      400,
      () =>
        api.post(
          `/archives/${id}/contacts`,
          rep,
          contactOf({ contactedAt: new Date(Date.now() + 3_600_000).toISOString() }),
        ),
      (a) => expect(a.body.errors).toEqual([{ path: 'contactedAt', rule: 'must not lie in the future' }]),
    ],
    ['an archive that does not exist', 404, () => api.post('/archives/nope/contacts', rep, contactOf())],
    ['a borrowing that does not exist', 404, () => api.post('/borrowings/nope/approve', rep)],
    [
      'a forbidden command',
      403,
      () => api.post(`/archives/${id}/secrecy`, rep, { to: 'secret', reason: '保密' }),
      (a) => expect(a.body.detail).toMatch(/change secrecy is not open to the sales_rep role/),
    ],
    [
      'a broken domain rule',
      409,
      () => api.post(`/borrowings/${bid}/approve`, mm),
      (a) => expect(a.body.code).toBe('borrowing.approver-is-requester'),
    ],
    [
      'a bad query parameter',
      400,
      () => api.get('/archives?limit=0', rep),
      (a) => expect(a.body.errors[0].path).toBe('query:limit'),
    ],
    ['an unknown route', 404, () => api.get('/nowhere', rep)],
  ];

  it.each(cases.map(([name, status, send, check]) => ({ name, status, send, check })))(
    '$name → $status',
    async ({ status, send, check }) => {
      const before = await t.dossier.events.headPosition();
      const answer = await send();
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      });
      check?.(answer);
      expect(await t.dossier.events.headPosition()).toBe(before);
    },
  );
});
