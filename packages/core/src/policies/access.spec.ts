import type { Role, SecrecyLevel, Tier } from '../events/values';
import type { AccessDecision, Action, ArchiveAccessView } from './access';
import { decideAccess } from './access';
import { defaultPolicyConfig, withConfig } from './config';

const view = (
  tier: Tier,
  secrecyLevel: SecrecyLevel,
  extra: Partial<ArchiveAccessView> = {},
): ArchiveAccessView => ({
  tier,
  secrecyLevel,
  custodianId: 'rep-9',
  activeBorrowings: [],
  ...extra,
});

const archives = {
  'A-tier': view('A', 'internal'),
  'B internal': view('B', 'internal'),
  'B confidential': view('B', 'confidential'),
  'B secret': view('B', 'secret'),
} as const;

const tag = (d: AccessDecision) => d._tag;

// role × archive → what read_detail answers (DOMAIN.md §6: A-tier detail from marketing manager up; confidential
// from manager level, secret from director level; other departments only through a borrowing)
const table: [
  Role,
  AccessDecision['_tag'],
  AccessDecision['_tag'],
  AccessDecision['_tag'],
  AccessDecision['_tag'],
][] = [
  //               A-tier         B internal  B confidential  B secret
  ['sales_rep', 'needs_grant', 'allow', 'needs_grant', 'needs_grant'],
  ['sales_manager', 'needs_grant', 'allow', 'allow', 'needs_grant'],
  ['marketing_manager', 'allow', 'allow', 'allow', 'needs_grant'],
  ['customer_service', 'allow', 'allow', 'allow', 'needs_grant'],
  ['marketing_director', 'allow', 'allow', 'allow', 'allow'],
  ['department_head', 'allow', 'allow', 'allow', 'allow'],
  ['auditor', 'allow', 'allow', 'allow', 'allow'],
  ['system', 'allow', 'allow', 'allow', 'allow'],
  ['other_department', 'needs_grant', 'needs_grant', 'needs_grant', 'needs_grant'],
];

describe('access (DOMAIN.md §6, policies/access.ts)', () => {
  it('§6 access: the table names every role once', () => {
    expect(table.map(([r]) => r).sort()).toEqual(Object.keys(defaultPolicyConfig.access.rank).sort());
  });

  describe.each(table)('§6 access: read_detail by a %s', (role, aTier, bInternal, bConfidential, bSecret) => {
    it.each([
      ['A-tier', aTier],
      ['B internal', bInternal],
      ['B confidential', bConfidential],
      ['B secret', bSecret],
    ] as const)('of a %s archive → %s', (archive, expected) => {
      expect(
        tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role }, 'read_detail', archives[archive])),
      ).toBe(expected);
    });
  });

  it('§6 access: the rules named in a refusal say why (A-tier, secrecy level, other department)', () => {
    const rule = (role: Role, archive: ArchiveAccessView) => {
      const d = decideAccess(defaultPolicyConfig, { id: 'u-1', role }, 'read_detail', archive);
      return d._tag === 'allow' ? '' : d.rule;
    };
    expect(rule('sales_rep', archives['A-tier'])).toMatch(/A-tier/);
    expect(rule('sales_rep', archives['B confidential'])).toMatch(/confidential.*manager/);
    expect(rule('marketing_manager', archives['B secret'])).toMatch(/secret.*director/);
    expect(rule('other_department', archives['B internal'])).toMatch(/other departments/);
  });

  it('§6 access: an active borrowing grants the requester read_detail and read_history, whatever tier and secrecy', () => {
    const lent = view('A', 'secret', { activeBorrowings: [{ borrowingId: 'b1', requesterId: 'u-1' }] });
    for (const role of ['sales_rep', 'other_department', 'marketing_manager'] as const)
      for (const action of ['read_detail', 'read_history'] as const)
        expect(decideAccess(defaultPolicyConfig, { id: 'u-1', role }, action, lent)).toEqual({
          _tag: 'allow',
          grant: 'borrowing:b1',
        });
  });

  it('§6 access: the borrowing grants its requester only, and reading only', () => {
    const lent = view('A', 'internal', { activeBorrowings: [{ borrowingId: 'b1', requesterId: 'u-1' }] });
    expect(
      tag(decideAccess(defaultPolicyConfig, { id: 'u-2', role: 'sales_rep' }, 'read_detail', lent)),
    ).toBe('needs_grant');
    expect(tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role: 'sales_rep' }, 'update', lent))).toBe(
      'needs_grant',
    );
    expect(
      tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role: 'other_department' }, 'update', lent)),
    ).toBe('deny');
  });

  it('§6 access: staff of other departments need a grant for every read of the content, and cannot change it', () => {
    const b = archives['B internal'];
    expect(
      tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role: 'other_department' }, 'read_history', b)),
    ).toBe('needs_grant');
    expect(
      tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role: 'other_department' }, 'request_borrow', b)),
    ).toBe('allow');
    for (const action of ['update', 'list', 'log_contact', 'approve_borrow'] as Action[])
      expect(tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role: 'other_department' }, action, b))).toBe(
        'deny',
      );
  });

  it('§6 access: the custodian reading their own archive is allowed under the custodian grant', () => {
    expect(
      decideAccess(
        defaultPolicyConfig,
        { id: 'rep-9', role: 'sales_rep' },
        'read_detail',
        archives['B internal'],
      ),
    ).toEqual({
      _tag: 'allow',
      grant: 'custodian',
    });
  });

  it.each([
    ['change_secrecy', 'customer_service', ['sales_rep', 'marketing_director', 'department_head']],
    ['lend_return', 'customer_service', ['marketing_director', 'department_head', 'sales_rep']],
    ['approve_disclosure', 'department_head', ['customer_service', 'marketing_manager', 'sales_rep']],
    ['approve_disclosure', 'marketing_director', ['auditor']],
    ['record_finding', 'system', ['customer_service', 'auditor', 'department_head']],
    ['execute_destruction', 'customer_service', ['sales_rep', 'auditor']],
  ] as [Action, Role, Role[]][])(
    '§2/§6 access: %s is open to the %s and closed to others',
    (action, allowed, denied) => {
      expect(
        tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role: allowed }, action, archives['B internal'])),
      ).toBe('allow');
      for (const role of denied)
        expect(
          tag(decideAccess(defaultPolicyConfig, { id: 'u-1', role }, action, archives['B internal'])),
        ).toBe('deny');
    },
  );

  it('§6 access: the secrecy mapping is configuration', () => {
    const config = withConfig({
      access: { ...defaultPolicyConfig.access, secrecyMinRank: { internal: 1, confidential: 3, secret: 3 } },
    });
    expect(
      tag(
        decideAccess(config, { id: 'u-1', role: 'sales_manager' }, 'read_detail', archives['B confidential']),
      ),
    ).toBe('needs_grant');
    expect(
      tag(
        decideAccess(
          defaultPolicyConfig,
          { id: 'u-1', role: 'sales_manager' },
          'read_detail',
          archives['B confidential'],
        ),
      ),
    ).toBe('allow');
  });
});
