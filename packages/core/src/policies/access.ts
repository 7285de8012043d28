import type { Actor, Role, SecrecyLevel, Tier } from '../events/values';
import type { PolicyConfig } from './config';

export type Action =
  | 'list'
  | 'read_detail'
  | 'read_history'
  | 'audit'
  | 'create'
  | 'update'
  | 'record_information'
  | 'log_contact'
  | 'record_transaction'
  | 'change_tier'
  | 'change_secrecy'
  | 'handover'
  | 'request_borrow'
  | 'approve_borrow'
  | 'lend_return'
  | 'request_disclosure'
  | 'approve_disclosure'
  | 'disclose'
  | 'hold'
  | 'request_destruction'
  | 'approve_destruction'
  | 'execute_destruction'
  | 'record_finding';

/** What access needs to know of an archive. */
export interface ArchiveAccessView {
  readonly tier: Tier;
  readonly secrecyLevel: SecrecyLevel;
  readonly custodianId: string;
  /** Requester ids and borrowing ids of archives currently lent out. */
  readonly activeBorrowings: readonly { readonly borrowingId: string; readonly requesterId: string }[];
}

export type AccessDecision =
  | { readonly _tag: 'allow'; readonly grant: string }
  | { readonly _tag: 'needs_grant'; readonly rule: string }
  | { readonly _tag: 'deny'; readonly rule: string };

const staff: readonly Role[] = [
  'sales_rep',
  'sales_manager',
  'marketing_manager',
  'marketing_director',
  'customer_service',
  'department_head',
];

/** Who may attempt each action at all; the decider checks the finer rules (approver ≠ requester, …). */
const allowedRoles: Record<Action, readonly Role[]> = {
  list: [...staff, 'auditor'],
  read_detail: [...staff, 'auditor', 'other_department', 'system'],
  read_history: [...staff, 'auditor', 'other_department'],
  audit: ['auditor', 'department_head', 'customer_service'],
  create: staff,
  update: staff,
  record_information: staff,
  log_contact: staff,
  record_transaction: staff,
  change_tier: ['marketing_manager', 'marketing_director', 'department_head', 'customer_service'],
  change_secrecy: ['customer_service'],
  handover: ['department_head', 'customer_service'],
  request_borrow: [...staff, 'other_department', 'auditor'],
  approve_borrow: [
    'sales_manager',
    'marketing_manager',
    'marketing_director',
    'customer_service',
    'department_head',
  ],
  lend_return: ['customer_service'],
  request_disclosure: staff,
  approve_disclosure: ['department_head', 'marketing_director'],
  disclose: ['customer_service', 'department_head', 'marketing_director'],
  hold: ['customer_service', 'department_head', 'auditor'],
  request_destruction: ['customer_service', 'department_head'],
  approve_destruction: ['department_head', 'marketing_director', 'customer_service'],
  execute_destruction: ['customer_service'],
  record_finding: ['system'],
};

/** Actions that touch the archive's content and so need the right to see it (DOMAIN.md §6). */
const needsDetail = new Set<Action>([
  'read_detail',
  'read_history',
  'update',
  'record_information',
  'log_contact',
  'record_transaction',
  'change_tier',
]);

/**
 * DOMAIN.md §6 / 000 §六.3–4 / 004 §5.2: actor × action × archive → allow (with the grant used),
 * needs a grant (a borrowing would allow it), or deny.
 */
export const decideAccess = (
  config: PolicyConfig,
  actor: Pick<Actor, 'id' | 'role'>,
  action: Action,
  archive?: ArchiveAccessView,
): AccessDecision => {
  if (!allowedRoles[action].includes(actor.role))
    return {
      _tag: 'deny',
      rule: `${action.replace(/_/g, ' ')} is not open to the ${actor.role} role (DOMAIN.md §6)`,
    };
  if (!archive || !needsDetail.has(action)) return { _tag: 'allow', grant: `role:${actor.role}` };
  if (actor.role === 'system' || actor.role === 'auditor')
    return { _tag: 'allow', grant: `role:${actor.role}` };
  const borrowing = archive.activeBorrowings.find((b) => b.requesterId === actor.id);
  if (borrowing && (action === 'read_detail' || action === 'read_history'))
    return { _tag: 'allow', grant: `borrowing:${borrowing.borrowingId}` };
  if (actor.role === 'other_department')
    return {
      _tag: 'needs_grant',
      rule: 'Staff of other departments read an archive only through an approved borrowing (000 §六.4, 004 §5.2.3)',
    };
  const rank = config.access.rank[actor.role];
  if (rank < config.access.secrecyMinRank[archive.secrecyLevel])
    return {
      _tag: 'needs_grant',
      rule: `A ${archive.secrecyLevel} archive requires ${archive.secrecyLevel === 'secret' ? 'director' : 'manager'} level, or an active borrowing (004 §5.1.5, DOMAIN.md §6)`,
    };
  if (archive.tier === 'A' && !config.access.aTierRoles.includes(actor.role))
    return {
      _tag: 'needs_grant',
      rule: 'A-tier detail requires marketing manager or above, or an active borrowing (000 §六.3)',
    };
  return { _tag: 'allow', grant: archive.custodianId === actor.id ? 'custodian' : `role:${actor.role}` };
};
