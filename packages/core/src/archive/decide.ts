import type { Either } from 'fp-ts/Either';
import { right } from 'fp-ts/Either';
import type { ArchiveEvent } from '../events/archive-events';
import type { PolicyConfig } from '../policies/config';
import { defaultPolicyConfig } from '../policies/config';
import type { ArchiveCommand } from './commands';
import type { DecideError } from './errors';
import { forbid, reject } from './errors';
import { evolve } from './evolve';
import type { ArchiveState } from './state';
import { initialState } from './state';
import { logContact, recordInformation, recordTransaction } from './rules/activity';
import { approveBorrow, giveBack, lend, rejectBorrow, requestBorrow } from './rules/borrowing';
import { create } from './rules/creation';
import { changeSecrecy, handover } from './rules/custody';
import { approveDestruction, executeDestruction, requestDestruction } from './rules/destruction';
import { approveDisclosure, disclose, requestDisclosure } from './rules/disclosure';
import { recordFinding } from './rules/finding';
import { placeHold, releaseHold } from './rules/hold';
import { changeTier } from './rules/tier';
import { update } from './rules/update';

export interface Decider<C, S, E, Err> {
  readonly initialState: S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S) => Either<Err, E[]>;
}

export type ArchiveDecider = Decider<ArchiveCommand, ArchiveState, ArchiveEvent, DecideError>;

/** The archive decider, with DOMAIN.md's policies configured. */
export const makeArchiveDecider = (config: PolicyConfig = defaultPolicyConfig): ArchiveDecider => ({
  initialState,
  evolve,
  decide: (c, state) => {
    if (c.type === 'CreateArchive')
      return state.status === 'none'
        ? create(c)
        : reject(
            'archive.exists',
            'DOMAIN.md §2 (建档)',
            `archive ${c.archiveId} exists already: creation only of a new stream`,
          );
    if (state.status === 'none')
      return reject('archive.not-found', 'DOMAIN.md §2', `archive ${c.archiveId} does not exist`);
    if (state.status === 'destroyed') {
      // a finding on a destroyed archive is moot, not an error
      if (c.type === 'RecordFinding') return right([]);
      return reject(
        'archive.destroyed',
        'DOMAIN.md §7 (销毁)',
        'the archive was destroyed: nothing but reads remain',
      );
    }
    switch (c.type) {
      case 'RecordInformation':
        return recordInformation(c, state);
      case 'UpdateArchive':
        return update(c, state);
      case 'LogContact':
        return logContact(c);
      case 'RecordTransaction':
        return recordTransaction(c);
      case 'ChangeTier':
        return changeTier(c, state);
      case 'RequestBorrow':
        return requestBorrow(c, state);
      case 'ApproveBorrow':
        return approveBorrow(c, state, config);
      case 'RejectBorrow':
        return rejectBorrow(c, state, config);
      case 'LendArchive':
        return lend(c, state, config);
      case 'ReturnArchive':
        return giveBack(c, state, config);
      case 'RequestDisclosure':
        return requestDisclosure(c, state);
      case 'ApproveDisclosure':
        return approveDisclosure(c, state, config);
      case 'DiscloseArchive':
        return disclose(c, state, config);
      case 'ChangeCustodian':
        return handover(c, state, config);
      case 'ChangeSecrecyLevel':
        return changeSecrecy(c, state, config);
      case 'PlaceHold':
        return placeHold(c, state);
      case 'ReleaseHold':
        return releaseHold(c, state);
      case 'RequestDestruction':
        return requestDestruction(c, state, config);
      case 'ApproveDestruction':
        return approveDestruction(c, state, config);
      case 'ExecuteDestruction':
        return executeDestruction(c, state, config);
      case 'RecordFinding':
        if (c.actor.role !== 'system')
          return forbid(
            'finding.system-only',
            'DOMAIN.md §2 (worker findings)',
            'findings are recorded by the worker',
          );
        return recordFinding(c, state, config);
    }
  },
});

export const archiveDecider = makeArchiveDecider();
