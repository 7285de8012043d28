import type * as t from 'io-ts';
import type { CommandType } from '@dossier/core';
import { commandCodecs } from '@dossier/core';
import { membersOf } from '../openapi/json-schema';

/** Members of a command that the request supplies itself, never the body. */
export const SERVER_FIELDS = ['type', 'commandId', 'archiveId', 'actor', 'issuedAt'] as const;

/** How a route turns its body into a command. */
export interface CommandRoute {
  readonly type: CommandType;
  /** The id of what the command creates; generated (from the idempotency key) when the body leaves it out. */
  readonly generated?: string;
  /** The id the path names (`/borrowings/{bid}/…`); never in the body. */
  readonly fromPath?: string;
}

/** The body a route accepts: the command's own members, less the server's and the path's. */
export const bodyMembers = (route: CommandRoute): { required: t.Props; optional: t.Props } => {
  const members = membersOf(commandCodecs[route.type] as unknown as t.Mixed);
  if (!members) throw new Error(`${route.type}: not a record codec`);
  const drop = new Set<string>([...SERVER_FIELDS, ...(route.fromPath ? [route.fromPath] : [])]);
  const required: t.Props = {};
  const optional: t.Props = {};
  for (const [k, c] of Object.entries(members.required)) {
    if (drop.has(k)) continue;
    if (k === route.generated) optional[k] = c;
    else required[k] = c;
  }
  for (const [k, c] of Object.entries(members.optional)) if (!drop.has(k)) optional[k] = c;
  return { required, optional };
};

/** The event a command's first event must be: a replayed Idempotency-Key with another request is refused. */
export const firstEventOf: Record<CommandType, string | undefined> = {
  CreateArchive: 'ArchiveCreated',
  RecordInformation: 'InformationReceived',
  UpdateArchive: 'ArchiveUpdated',
  LogContact: 'ContactLogged',
  RecordTransaction: 'TransactionRecorded',
  ChangeTier: 'TierChanged',
  RequestBorrow: 'BorrowRequested',
  ApproveBorrow: 'BorrowApproved',
  RejectBorrow: 'BorrowRejected',
  LendArchive: 'ArchiveLent',
  ReturnArchive: 'ArchiveReturned',
  RequestDisclosure: 'DisclosureRequested',
  ApproveDisclosure: 'DisclosureApproved',
  DiscloseArchive: 'ArchiveDisclosed',
  ChangeCustodian: 'CustodianChanged',
  ChangeSecrecyLevel: 'SecrecyLevelChanged',
  PlaceHold: 'HoldPlaced',
  ReleaseHold: 'HoldReleased',
  RequestDestruction: 'DestructionRequested',
  ApproveDestruction: 'DestructionApproved',
  ExecuteDestruction: 'ArchiveDestroyed',
  RecordFinding: undefined,
};
