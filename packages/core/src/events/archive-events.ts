import * as t from 'io-ts';
import { struct } from './struct';
import { Profile } from './profile';
import {
  Actor,
  ContactChannel,
  IsoDate,
  IsoDateTime,
  Money,
  NonEmpty,
  Personal,
  Role,
  SecrecyLevel,
  StaffRef,
  Tier,
} from './values';

// Every event of DOMAIN.md §2, as it is after upcasting to the current schema version.

const ApproverRef = struct('ApproverRef', { id: NonEmpty, role: Role }, { name: t.string });

export const FieldChange = struct('FieldChange', {
  /** `group.field` (e.g. `company.address`) or `people`. */
  field: NonEmpty,
  before: t.unknown,
  after: t.unknown,
});
export type FieldChange = t.TypeOf<typeof FieldChange>;

export const Destination = t.keyof({ in_office: null, may_leave_office: null });

export const eventCodecs = {
  // 建档
  ArchiveCreated: struct('ArchiveCreated', {
    archiveId: NonEmpty,
    number: NonEmpty, // 档案编号
    createdAt: IsoDateTime, // 建档日期
    createdBy: StaffRef, // 建档人
    custodian: StaffRef,
    department: t.string,
    tier: Tier,
    secrecyLevel: SecrecyLevel,
    profile: Profile,
  }),
  // 获取信息
  InformationReceived: struct('InformationReceived', {
    receiptId: NonEmpty,
    channel: NonEmpty,
    summary: NonEmpty,
    receivedAt: IsoDateTime,
    receivedBy: StaffRef,
  }),
  // 更新
  ArchiveUpdated: struct('ArchiveUpdated', {
    changes: t.array(FieldChange),
    reason: NonEmpty,
    resolves: t.array(NonEmpty),
    updatedBy: StaffRef,
    at: IsoDateTime,
  }),
  ContactLogged: struct(
    'ContactLogged',
    {
      contactId: NonEmpty,
      channel: ContactChannel,
      at: IsoDateTime,
      withWhom: Personal(t.string),
      by: StaffRef,
    },
    { byRole: Role, summary: t.string },
  ),
  TransactionRecorded: struct(
    'TransactionRecorded',
    {
      transactionId: NonEmpty,
      number: NonEmpty,
      at: IsoDateTime,
      amount: Money,
      personInCharge: NonEmpty,
      breachOfContract: t.boolean,
    },
    { place: t.string, notes: t.string },
  ),
  // 升降级
  TierChanged: struct(
    'TierChanged',
    { from: Tier, to: Tier, direction: t.keyof({ up: null, down: null }), reason: NonEmpty, at: IsoDateTime },
    { evidence: t.string, proposalId: t.string },
  ),
  // 借阅
  BorrowRequested: struct('BorrowRequested', {
    borrowingId: NonEmpty,
    requester: Actor,
    purpose: NonEmpty,
    requestedAt: IsoDateTime,
  }),
  BorrowApproved: struct('BorrowApproved', { borrowingId: NonEmpty, approver: ApproverRef }),
  BorrowRejected: struct('BorrowRejected', {
    borrowingId: NonEmpty,
    rejectedBy: ApproverRef,
    reason: NonEmpty,
  }),
  ArchiveLent: struct('ArchiveLent', {
    borrowingId: NonEmpty,
    lentAt: IsoDateTime,
    dueAt: IsoDateTime,
    lentBy: StaffRef,
    destination: Destination,
  }),
  ArchiveReturned: struct(
    'ArchiveReturned',
    {
      borrowingId: NonEmpty,
      returnedAt: IsoDateTime,
      receivedBy: StaffRef,
      condition: t.keyof({ intact: null, damaged: null, incomplete: null }),
    },
    { notes: t.string },
  ),
  // 对外提供
  DisclosureRequested: struct('DisclosureRequested', {
    disclosureId: NonEmpty,
    requestedBy: ApproverRef,
    recipient: NonEmpty,
    purpose: NonEmpty,
  }),
  DisclosureApproved: struct('DisclosureApproved', { disclosureId: NonEmpty, approver: ApproverRef }),
  ArchiveDisclosed: struct('ArchiveDisclosed', {
    disclosureId: NonEmpty,
    disclosedBy: StaffRef,
    at: IsoDateTime,
  }),
  // 移交
  CustodianChanged: struct('CustodianChanged', {
    from: StaffRef,
    to: StaffRef,
    reason: NonEmpty,
    signedOffBy: t.array(ApproverRef),
  }),
  // 密级
  SecrecyLevelChanged: struct('SecrecyLevelChanged', {
    from: SecrecyLevel,
    to: SecrecyLevel,
    reason: NonEmpty,
  }),
  // 冻结
  HoldPlaced: struct('HoldPlaced', {
    holdId: NonEmpty,
    kind: t.keyof({ legal: null, audit: null, dispute: null }),
    reason: NonEmpty,
    placedBy: StaffRef,
  }),
  HoldReleased: struct('HoldReleased', { holdId: NonEmpty, reason: NonEmpty, releasedBy: StaffRef }),
  // 销毁
  DestructionRequested: struct(
    'DestructionRequested',
    {
      destructionId: NonEmpty,
      requestedBy: ApproverRef,
      reason: NonEmpty,
      basis: t.keyof({ no_agreement: null, retention_expired: null }),
    },
    { retentionUntil: IsoDate },
  ),
  DestructionApproved: struct('DestructionApproved', { destructionId: NonEmpty, approvedBy: ApproverRef }),
  /** A 销毁清册 entry: kept forever, no personal information. */
  ArchiveDestroyed: struct(
    'ArchiveDestroyed',
    {
      destructionId: NonEmpty,
      archiveNumber: NonEmpty,
      reason: NonEmpty,
      basis: t.keyof({ no_agreement: null, retention_expired: null }),
      retentionRequired: t.boolean,
      secrecyLevel: SecrecyLevel,
      requestedBy: ApproverRef,
      approvedBy: ApproverRef,
      witnesses: t.array(StaffRef), // 监销人
      executedBy: StaffRef,
      destroyedAt: IsoDateTime,
      method: NonEmpty,
    },
    { retentionUntil: IsoDate },
  ),
  // worker findings
  UpdateSlaWarned: struct('UpdateSlaWarned', {
    receiptId: NonEmpty,
    receivedAt: IsoDateTime,
    deadline: IsoDateTime,
  }),
  UpdateSlaBreached: struct('UpdateSlaBreached', {
    receiptId: NonEmpty,
    receivedAt: IsoDateTime,
    deadline: IsoDateTime,
  }),
  ContactDue: struct('ContactDue', {
    channel: t.keyof({ phone: null, visit: null }),
    dueOn: IsoDate,
    tier: Tier,
  }),
  ContactOverdue: struct('ContactOverdue', {
    channel: t.keyof({ phone: null, visit: null }),
    dueOn: IsoDate,
    tier: Tier,
  }),
  ReturnOverdue: struct('ReturnOverdue', { borrowingId: NonEmpty, dueAt: IsoDateTime }),
  ReviewDue: struct('ReviewDue', { kind: t.keyof({ yearly_full: null, tier_review: null }), dueOn: IsoDate }),
  TierChangeProposed: struct(
    'TierChangeProposed',
    {
      proposalId: NonEmpty,
      from: Tier,
      to: Tier,
      rule: t.keyof({ rank: null, value_category: null }),
      periodEnd: IsoDate,
    },
    { rank: t.number, of: t.number, score: t.number, category: t.string },
  ),
} as const;

export type EventCodecs = typeof eventCodecs;
export type EventType = keyof EventCodecs;
export const eventTypes = Object.keys(eventCodecs) as EventType[];

/** A domain event: its type and its (current-version, decrypted or redacted) data. */
export type ArchiveEvent = {
  [K in EventType]: { readonly type: K; readonly data: t.TypeOf<EventCodecs[K]> };
}[EventType];

export type EventOf<K extends EventType> = Extract<ArchiveEvent, { type: K }>;

export const isEventType = (s: string): s is EventType =>
  Object.prototype.hasOwnProperty.call(eventCodecs, s);

const canonicalTypes = new Map<string, EventType>(eventTypes.map((type) => [type, type]));

/**
 * The event type a stored type names, as this module's own string (undefined for an unknown type). A store
 * hands each event's type over as a string of its own (a slice of a row); a decoded event carrying the
 * module's string instead compares to the literals every read model and fold switches on by identity, not
 * character by character.
 */
export const eventTypeOf = (s: string): EventType | undefined => canonicalTypes.get(s);

/** The findings the worker appends (DOMAIN.md §2, last row). */
export const findingTypes = [
  'UpdateSlaWarned',
  'UpdateSlaBreached',
  'ContactDue',
  'ContactOverdue',
  'ReturnOverdue',
  'ReviewDue',
  'TierChangeProposed',
] as const satisfies readonly EventType[];
export type FindingType = (typeof findingTypes)[number];
