import type { CommandRoute } from './command-bodies';

/** Every command route: which command it sends, which id it generates or takes from the path. */
export const routes = {
  create: { type: 'CreateArchive' },
  update: { type: 'UpdateArchive' },
  information: { type: 'RecordInformation', generated: 'receiptId' },
  contact: { type: 'LogContact', generated: 'contactId' },
  transaction: { type: 'RecordTransaction', generated: 'transactionId' },
  tier: { type: 'ChangeTier' },
  handover: { type: 'ChangeCustodian' },
  secrecy: { type: 'ChangeSecrecyLevel' },
  placeHold: { type: 'PlaceHold', generated: 'holdId' },
  releaseHold: { type: 'ReleaseHold', fromPath: 'holdId' },
  finding: { type: 'RecordFinding' },
  requestBorrow: { type: 'RequestBorrow', generated: 'borrowingId' },
  approveBorrow: { type: 'ApproveBorrow', fromPath: 'borrowingId' },
  rejectBorrow: { type: 'RejectBorrow', fromPath: 'borrowingId' },
  lend: { type: 'LendArchive', fromPath: 'borrowingId' },
  giveBack: { type: 'ReturnArchive', fromPath: 'borrowingId' },
  requestDisclosure: { type: 'RequestDisclosure', generated: 'disclosureId' },
  approveDisclosure: { type: 'ApproveDisclosure', fromPath: 'disclosureId' },
  disclose: { type: 'DiscloseArchive', fromPath: 'disclosureId' },
  requestDestruction: { type: 'RequestDestruction', generated: 'destructionId' },
  approveDestruction: { type: 'ApproveDestruction', fromPath: 'destructionId' },
  executeDestruction: { type: 'ExecuteDestruction', fromPath: 'destructionId' },
} as const satisfies Record<string, CommandRoute>;
