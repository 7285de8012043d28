import type { Role, SecrecyLevel, Tier } from '../events/values';

/** Every number of DOMAIN.md is configuration; these are its defaults. */
export interface PolicyConfig {
  /** Company time zone for calendar rules (DOMAIN.md §3, §6). */
  readonly timeZone: string;
  /** 000 §七.2: updated within 1 day, at most 2. */
  readonly updateSla: { readonly warnAfterDays: number; readonly breachAfterDays: number };
  /** 000 §五.3 contact cadence per tier. */
  readonly cadence: Record<
    Tier,
    { readonly phoneEveryDays: number; readonly visitEveryMonths: number; readonly visitWith: string }
  >;
  readonly access: {
    /** Seniority used by "manager level" and "director level". */
    readonly rank: Record<Role, number>;
    /** Minimum rank to read detail per secrecy level (confidential: manager, secret: director). */
    readonly secrecyMinRank: Record<SecrecyLevel, number>;
    /** Roles that may read A-tier detail without a borrowing (000 §六.3: 市场营销经理级以上). */
    readonly aTierRoles: readonly Role[];
  };
  readonly borrowing: {
    /** Local time on the due day by which lent archives come back. */
    readonly returnBy: string;
    /** Days after the lending day for ordinary material (0 = the same day). */
    readonly ordinaryLoanDays: number;
    /** Who may approve a borrowing, per requester role (004 §5.2.3). */
    readonly approvers: Record<Role, readonly Role[]>;
    /** Who registers lending and returns (客户服务部, 004 §5.2.1). */
    readonly keeperRoles: readonly Role[];
  };
  /** 004 §5.2.4: department head AND marketing director. */
  readonly disclosure: { readonly approverRoles: readonly Role[] };
  /** 004 §5.2.5: department head and customer service sign the handover. */
  readonly handover: { readonly signOffRoles: readonly Role[] };
  /** 004 §5.1.5: the secrecy level is set by customer service only. */
  readonly secrecy: { readonly setterRoles: readonly Role[] };
  readonly destruction: {
    /** Retention after the last transaction, for archives where an agreement was reached. */
    readonly retentionYears: number;
    readonly approverRoles: readonly Role[];
  };
  readonly review: {
    readonly fullReviewEveryMonths: number;
    readonly tierReviewEveryMonths: number;
    /** 20 / 40 / 40 */
    readonly shares: { readonly A: number; readonly B: number };
    readonly rule: 'rank' | 'value_category';
    readonly trailingMonths: number;
  };
}

const managers: Role[] = ['marketing_manager', 'marketing_director', 'department_head', 'customer_service'];

export const defaultPolicyConfig: PolicyConfig = {
  timeZone: 'Asia/Shanghai',
  updateSla: { warnAfterDays: 1, breachAfterDays: 2 },
  cadence: {
    A: { phoneEveryDays: 7, visitEveryMonths: 2, visitWith: 'senior leadership' },
    B: { phoneEveryDays: 7, visitEveryMonths: 3, visitWith: 'marketing director or above' },
    C: { phoneEveryDays: 14, visitEveryMonths: 4, visitWith: 'marketing managers / directors' },
  },
  access: {
    rank: {
      other_department: 0,
      sales_rep: 1,
      sales_manager: 2,
      marketing_manager: 2,
      customer_service: 2,
      marketing_director: 3,
      department_head: 3,
      auditor: 3,
      system: 3,
    },
    secrecyMinRank: { internal: 1, confidential: 2, secret: 3 },
    aTierRoles: ['marketing_manager', 'marketing_director', 'department_head', 'customer_service', 'auditor'],
  },
  borrowing: {
    returnBy: '18:00',
    ordinaryLoanDays: 0,
    approvers: {
      sales_rep: managers,
      sales_manager: managers,
      marketing_manager: ['marketing_director', 'department_head', 'customer_service'],
      marketing_director: ['department_head', 'customer_service'],
      customer_service: ['department_head', 'marketing_director'],
      department_head: ['marketing_director', 'customer_service'],
      auditor: ['customer_service', 'department_head'],
      other_department: ['marketing_director'],
      system: [],
    },
    keeperRoles: ['customer_service'],
  },
  disclosure: { approverRoles: ['department_head', 'marketing_director'] },
  handover: { signOffRoles: ['department_head', 'customer_service'] },
  secrecy: { setterRoles: ['customer_service'] },
  destruction: {
    retentionYears: 5,
    approverRoles: ['department_head', 'marketing_director', 'customer_service'],
  },
  review: {
    fullReviewEveryMonths: 12,
    tierReviewEveryMonths: 2,
    shares: { A: 0.2, B: 0.4 },
    rule: 'rank',
    trailingMonths: 12,
  },
};

export const withConfig = (overrides: Partial<PolicyConfig>): PolicyConfig => ({
  ...defaultPolicyConfig,
  ...overrides,
});
