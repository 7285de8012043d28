import type { Projection } from '../projection';
import { archiveDetail } from './archive-detail';
import { archiveList } from './archive-list';
import { borrowingRegister } from './borrowing-register';
import { changeHistory } from './change-history';
import { contactBoard } from './contact-board';
import { destructionRegister } from './destruction-register';
import { readLog } from './read-log';
import { slaBoard } from './sla-board';
import { tierMovements } from './tier-movements';

/** Every read model of issue #4, fresh instances (the keyed ones keep rows cached between batches). */
export const allReadModels = (): Projection[] => [
  archiveList(),
  archiveDetail(),
  changeHistory,
  contactBoard(),
  slaBoard(),
  borrowingRegister(),
  destructionRegister,
  tierMovements,
  readLog,
];

export {
  archiveDetail,
  archiveList,
  borrowingRegister,
  changeHistory,
  contactBoard,
  destructionRegister,
  readLog,
  slaBoard,
  tierMovements,
};
