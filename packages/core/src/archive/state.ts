import type { Profile } from '../events/profile';
import type { Actor, Role, SecrecyLevel, StaffRef, Tier } from '../events/values';

export interface ApproverRef {
  readonly id: string;
  readonly role: Role;
  readonly name?: string;
}

/** An information receipt and its update clock (DOMAIN.md §3). */
export interface Receipt {
  readonly receivedAt: string;
  readonly resolvedAt?: string;
  readonly warned: boolean;
  readonly breached: boolean;
}

export type BorrowingStatus = 'requested' | 'approved' | 'rejected' | 'lent' | 'returned';

/** 借阅 (DOMAIN.md §6). */
export interface Borrowing {
  readonly requester: Actor;
  readonly purpose: string;
  readonly status: BorrowingStatus;
  readonly approver?: ApproverRef;
  readonly lentAt?: string;
  readonly dueAt?: string;
  readonly returnedAt?: string;
  readonly overdueRecorded: boolean;
}

/** 对外提供 (004 §5.2.4). */
export interface Disclosure {
  readonly requestedBy: ApproverRef;
  readonly approvals: readonly ApproverRef[];
  readonly disclosed: boolean;
}

export interface Hold {
  readonly kind: string;
  readonly reason: string;
}

/** 销毁 in progress (DOMAIN.md §7). */
export interface PendingDestruction {
  readonly destructionId: string;
  readonly requestedBy: ApproverRef;
  readonly reason: string;
  readonly basis: 'no_agreement' | 'retention_expired';
  readonly retentionUntil?: string;
  readonly approvedBy?: ApproverRef;
}

export interface ArchiveData {
  readonly archiveId: string;
  readonly number: string;
  readonly createdAt: string;
  readonly createdBy: StaffRef;
  readonly custodian: StaffRef;
  readonly department: string;
  readonly tier: Tier;
  /** When the current tier took effect: the cadence runs from here (DOMAIN.md §4). */
  readonly tierSince: string;
  readonly secrecyLevel: SecrecyLevel;
  readonly profile: Profile;
  readonly receipts: Readonly<Record<string, Receipt>>;
  readonly lastContact: { readonly phone?: string; readonly visit?: string };
  readonly transactions: readonly {
    readonly at: string;
    readonly minor: number;
    readonly currency: string;
  }[];
  /** An agreement was reached once: a transaction, or the customer was ever active (合作). */
  readonly agreementReached: boolean;
  readonly borrowings: Readonly<Record<string, Borrowing>>;
  readonly disclosures: Readonly<Record<string, Disclosure>>;
  readonly holds: Readonly<Record<string, Hold>>;
  readonly destruction?: PendingDestruction;
  /** Keys of the worker findings already recorded, so none is recorded twice. */
  readonly findings: Readonly<Record<string, true>>;
}

/** An archive's state: not yet created, open, or destroyed (销毁: only reads remain). */
export type ArchiveState =
  | { readonly status: 'none' }
  | ({ readonly status: 'open' } & ArchiveData)
  | ({ readonly status: 'destroyed'; readonly destroyedAt: string } & ArchiveData);

export const initialState: ArchiveState = { status: 'none' };

export const activeBorrowings = (s: ArchiveData): [string, Borrowing][] =>
  Object.entries(s.borrowings).filter(([, b]) => b.status === 'lent');
