import type { ArchiveCommand, CommandType } from '../archive/commands';
import type { Forbidden } from '../archive/errors';
import type { ArchiveState } from '../archive/state';
import { activeBorrowings } from '../archive/state';
import type { Action, ArchiveAccessView } from '../policies/access';
import { decideAccess } from '../policies/access';
import type { PolicyConfig } from '../policies/config';

const actionOf: Record<CommandType, Action> = {
  CreateArchive: 'create',
  RecordInformation: 'record_information',
  UpdateArchive: 'update',
  LogContact: 'log_contact',
  RecordTransaction: 'record_transaction',
  ChangeTier: 'change_tier',
  RequestBorrow: 'request_borrow',
  ApproveBorrow: 'approve_borrow',
  RejectBorrow: 'approve_borrow',
  LendArchive: 'lend_return',
  ReturnArchive: 'lend_return',
  RequestDisclosure: 'request_disclosure',
  ApproveDisclosure: 'approve_disclosure',
  DiscloseArchive: 'disclose',
  ChangeCustodian: 'handover',
  ChangeSecrecyLevel: 'change_secrecy',
  PlaceHold: 'hold',
  ReleaseHold: 'hold',
  RequestDestruction: 'request_destruction',
  ApproveDestruction: 'approve_destruction',
  ExecuteDestruction: 'execute_destruction',
  RecordFinding: 'record_finding',
};

export const accessView = (state: ArchiveState): ArchiveAccessView | undefined =>
  state.status === 'none'
    ? undefined
    : {
        tier: state.tier,
        secrecyLevel: state.secrecyLevel,
        custodianId: state.custodian.id,
        activeBorrowings: activeBorrowings(state).map(([borrowingId, b]) => ({
          borrowingId,
          requesterId: b.requester.id,
        })),
      };

/** The access policy (DOMAIN.md §6) applied to a command: undefined when allowed. */
export const authorizeCommand = (
  config: PolicyConfig,
  command: ArchiveCommand,
  state: ArchiveState,
): Forbidden | undefined => {
  const d = decideAccess(config, command.actor, actionOf[command.type], accessView(state));
  return d._tag === 'allow'
    ? undefined
    : { _tag: 'Forbidden', code: `access.${d._tag}`, rule: 'DOMAIN.md §6', message: d.rule };
};
