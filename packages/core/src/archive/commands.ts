import * as t from 'io-ts';
import { eventCodecs, findingTypes } from '../events/archive-events';
import { struct } from '../events/struct';
import { Profile, ProfilePatch } from '../events/profile';
import {
  Actor,
  ContactChannel,
  IsoDateTime,
  Money,
  NonEmpty,
  Role,
  SecrecyLevel,
  StaffRef,
  Tier,
} from '../events/values';

const common = { commandId: NonEmpty, archiveId: NonEmpty, actor: Actor, issuedAt: IsoDateTime };

const command = <K extends string, R extends t.Props, O extends t.Props = Record<never, never>>(
  type: K,
  required: R,
  optional?: O,
) => struct(type, { type: t.literal(type), ...common, ...required }, optional ?? ({} as O));

const ApproverRef = struct('ApproverRef', { id: NonEmpty, role: Role }, { name: t.string });

const Finding = t.union(
  findingTypes.map((k) => struct(k, { type: t.literal(k), data: eventCodecs[k] })) as unknown as [
    t.Mixed,
    t.Mixed,
    ...t.Mixed[],
  ],
  'Finding',
);

export const commandCodecs = {
  // 建档
  CreateArchive: command(
    'CreateArchive',
    { custodian: StaffRef, department: t.string, tier: Tier, secrecyLevel: SecrecyLevel, profile: Profile },
    { number: NonEmpty },
  ),
  // 获取信息
  RecordInformation: command('RecordInformation', {
    receiptId: NonEmpty,
    channel: NonEmpty,
    summary: NonEmpty,
    receivedAt: IsoDateTime,
  }),
  // 更新
  UpdateArchive: command(
    'UpdateArchive',
    { changes: ProfilePatch, reason: NonEmpty },
    { resolves: t.array(NonEmpty) },
  ),
  LogContact: command(
    'LogContact',
    { contactId: NonEmpty, channel: ContactChannel, contactedAt: IsoDateTime, withWhom: NonEmpty },
    { summary: t.string },
  ),
  RecordTransaction: command(
    'RecordTransaction',
    {
      transactionId: NonEmpty,
      number: NonEmpty,
      occurredAt: IsoDateTime,
      amount: Money,
      personInCharge: NonEmpty,
      breachOfContract: t.boolean,
    },
    { place: t.string, notes: t.string },
  ),
  // 升降级
  ChangeTier: command(
    'ChangeTier',
    { to: Tier, reason: NonEmpty },
    { evidence: t.string, proposalId: t.string },
  ),
  // 借阅
  RequestBorrow: command('RequestBorrow', { borrowingId: NonEmpty, purpose: NonEmpty }),
  ApproveBorrow: command('ApproveBorrow', { borrowingId: NonEmpty }),
  RejectBorrow: command('RejectBorrow', { borrowingId: NonEmpty, reason: NonEmpty }),
  LendArchive: command('LendArchive', { borrowingId: NonEmpty }, { to: NonEmpty }),
  ReturnArchive: command(
    'ReturnArchive',
    { borrowingId: NonEmpty, condition: t.keyof({ intact: null, damaged: null, incomplete: null }) },
    { notes: t.string },
  ),
  // 对外提供
  RequestDisclosure: command('RequestDisclosure', {
    disclosureId: NonEmpty,
    recipient: NonEmpty,
    purpose: NonEmpty,
  }),
  ApproveDisclosure: command('ApproveDisclosure', { disclosureId: NonEmpty }),
  DiscloseArchive: command('DiscloseArchive', { disclosureId: NonEmpty }),
  // 移交
  ChangeCustodian: command('ChangeCustodian', {
    to: StaffRef,
    reason: NonEmpty,
    signedOffBy: t.array(ApproverRef),
  }),
  // 密级
  ChangeSecrecyLevel: command('ChangeSecrecyLevel', { to: SecrecyLevel, reason: NonEmpty }),
  // 冻结
  PlaceHold: command('PlaceHold', {
    holdId: NonEmpty,
    kind: t.keyof({ legal: null, audit: null, dispute: null }),
    reason: NonEmpty,
  }),
  ReleaseHold: command('ReleaseHold', { holdId: NonEmpty, reason: NonEmpty }),
  // 销毁
  RequestDestruction: command('RequestDestruction', {
    destructionId: NonEmpty,
    reason: NonEmpty,
    basis: t.keyof({ no_agreement: null, retention_expired: null }),
  }),
  ApproveDestruction: command('ApproveDestruction', { destructionId: NonEmpty }),
  ExecuteDestruction: command('ExecuteDestruction', {
    destructionId: NonEmpty,
    witnesses: t.array(StaffRef),
    method: NonEmpty,
  }),
  // the worker's findings
  RecordFinding: command('RecordFinding', { finding: Finding }),
} as const;

export type CommandCodecs = typeof commandCodecs;
export type CommandType = keyof CommandCodecs;
export type ArchiveCommand = { [K in CommandType]: t.TypeOf<CommandCodecs[K]> }[CommandType];
export type CommandOf<K extends CommandType> = Extract<ArchiveCommand, { type: K }>;

/** Any command, discriminated by `type`: the codec the API and the handler validate input with. */
export const ArchiveCommandCodec = new t.Type<ArchiveCommand, unknown, unknown>(
  'ArchiveCommand',
  (u): u is ArchiveCommand =>
    typeof u === 'object' &&
    u !== null &&
    (commandCodecs as Record<string, t.Mixed>)[(u as { type: string }).type]?.is(u) === true,
  (u, c) => {
    const type = typeof u === 'object' && u !== null ? (u as { type?: unknown }).type : undefined;
    const codec = typeof type === 'string' ? (commandCodecs as Record<string, t.Mixed>)[type] : undefined;
    if (!codec)
      return t.failure(
        u,
        [...c, { key: 'type', type: t.string, actual: type }],
        `must be one of ${Object.keys(commandCodecs).join(', ')}`,
      );
    return codec.validate(u, c) as t.Validation<ArchiveCommand>;
  },
  (a) => (commandCodecs[a.type] as t.Mixed).encode(a),
);
