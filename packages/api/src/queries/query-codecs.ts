import * as t from 'io-ts';
import {
  CustomerStatus,
  IsoDate,
  IsoDateTime,
  Nature,
  NonEmpty,
  Role,
  SecrecyLevel,
  Tier,
  struct,
  toValidationError,
} from '@dossier/core';
import { problems } from '../http/problem';

const digits = (name: string, max: number) =>
  t.refinement(t.string, (s) => new RegExp(`^\\d{1,${max}}$`).test(s), name);

/** A global position, as a decimal string. */
export const Position = digits('Position', 19);
/** Page size: 1–1000. */
export const Limit = t.refinement(digits('Limit', 4), (s) => Number(s) >= 1 && Number(s) <= 1000, 'Limit');
const Bool = t.keyof({ true: null, false: null }, 'Bool');
const Month = t.refinement(t.string, (s) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s), 'Month');

const paging = { limit: Limit, cursor: t.string, after: Position };

export const ListQuery = struct(
  'ListQuery',
  {},
  {
    ...paging,
    tier: Tier,
    status: t.keyof({ open: null, destroyed: null }),
    customerStatus: CustomerStatus,
    industry: NonEmpty,
    region: NonEmpty,
    nature: Nature,
    custodian: NonEmpty,
    department: t.string,
    secrecyLevel: SecrecyLevel,
    q: NonEmpty,
  },
);

export const AfterQuery = struct('AfterQuery', {}, { after: Position, purpose: t.string });
export const HistoryQuery = struct('HistoryQuery', {}, { ...paging, purpose: t.string });
export const AsOfQuery = struct(
  'AsOfQuery',
  {},
  { at: IsoDateTime, revision: digits('Revision', 19), purpose: t.string },
);

export const ContactBoardQuery = struct(
  'ContactBoardQuery',
  {},
  {
    ...paging,
    custodian: NonEmpty,
    tier: Tier,
    state: t.keyof({ not_due: null, due: null, overdue: null }),
    channel: t.keyof({ phone: null, visit: null }),
  },
);
export const SlaBoardQuery = struct(
  'SlaBoardQuery',
  {},
  {
    ...paging,
    archive: NonEmpty,
    receivedBy: NonEmpty,
    state: t.keyof({
      on_time: null,
      warned: null,
      breached: null,
      resolved_on_time: null,
      resolved_late: null,
      open: null,
    }),
  },
);
export const BorrowingRegisterQuery = struct(
  'BorrowingRegisterQuery',
  {},
  {
    ...paging,
    archive: NonEmpty,
    requester: NonEmpty,
    status: t.keyof({ requested: null, approved: null, rejected: null, lent: null, returned: null }),
    overdue: Bool,
  },
);
export const DestructionRegisterQuery = struct(
  'DestructionRegisterQuery',
  {},
  {
    ...paging,
    archive: NonEmpty,
    from: IsoDateTime,
    to: IsoDateTime,
  },
);
export const DistributionQuery = struct('DistributionQuery', {}, { after: Position, from: Month, to: Month });
export const ChangesQuery = struct(
  'ChangesQuery',
  {},
  {
    ...paging,
    actor: NonEmpty,
    archive: NonEmpty,
    role: Role,
    from: IsoDateTime,
    to: IsoDateTime,
  },
);
export const ReadsQuery = struct(
  'ReadsQuery',
  {},
  {
    ...paging,
    archive: NonEmpty,
    actor: NonEmpty,
    from: IsoDateTime,
    to: IsoDateTime,
  },
);
export const VerifyQuery = struct('VerifyQuery', {}, { digest: NonEmpty });
export const DayQuery = struct('DayQuery', {}, { on: IsoDate });

/** Decode a query string with its codec, or answer 400 naming every failing parameter. */
export const parseQuery = <C extends t.Mixed>(codec: C, query: unknown): t.TypeOf<C> => {
  const res = codec.decode(query ?? {});
  if (res._tag === 'Left') {
    const err = toValidationError(res.left, 'query');
    throw problems.badRequest(
      err.message,
      err.errors.map((e) => ({ path: `query:${e.path}`, rule: e.rule })),
    );
  }
  return res.right as t.TypeOf<C>;
};
