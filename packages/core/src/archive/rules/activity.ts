import { right } from 'fp-ts/Either';
import type { CommandOf } from '../commands';
import { invalid, reject } from '../errors';
import type { ArchiveData } from '../state';
import type { Decision } from './context';
import { event, staffOf } from './context';

/** 获取信息 (DOMAIN.md §2, §3): opens an update clock at `receivedAt`, which may lie in the past, not the future. */
export const recordInformation = (c: CommandOf<'RecordInformation'>, archive: ArchiveData): Decision => {
  if (c.receivedAt > c.issuedAt) return invalid('receivedAt', 'must not lie in the future');
  if (archive.receipts[c.receiptId])
    return reject(
      'information.duplicate',
      'DOMAIN.md §2',
      `information receipt ${c.receiptId} is already recorded`,
    );
  return right([
    event('InformationReceived', {
      receiptId: c.receiptId,
      channel: c.channel,
      summary: c.summary,
      receivedAt: c.receivedAt,
      receivedBy: staffOf(c.actor),
    }),
  ]);
};

/** Contact (DOMAIN.md §2, §4): feeds the cadence. */
export const logContact = (c: CommandOf<'LogContact'>): Decision => {
  if (c.contactedAt > c.issuedAt) return invalid('contactedAt', 'must not lie in the future');
  return right([
    event('ContactLogged', {
      contactId: c.contactId,
      channel: c.channel,
      at: c.contactedAt,
      withWhom: c.withWhom,
      by: staffOf(c.actor),
      byRole: c.actor.role,
      ...(c.summary !== undefined ? { summary: c.summary } : {}),
    }),
  ]);
};

/** Transaction (DOMAIN.md §2, §5): feeds the tier review. */
export const recordTransaction = (c: CommandOf<'RecordTransaction'>): Decision => {
  if (c.occurredAt > c.issuedAt) return invalid('occurredAt', 'must not lie in the future');
  if (c.amount.minor < 0) return invalid('amount.minor', 'must not be negative');
  const { transactionId, number, amount, personInCharge, breachOfContract, place, notes } = c;
  return right([
    event('TransactionRecorded', {
      transactionId,
      number,
      at: c.occurredAt,
      amount,
      personInCharge,
      breachOfContract,
      ...(place !== undefined ? { place } : {}),
      ...(notes !== undefined ? { notes } : {}),
    }),
  ]);
};
