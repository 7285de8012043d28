import * as t from 'io-ts';

/**
 * A string or number checked by a rule, without a brand: values built inside the core (times from the clock,
 * ids from state) need no casts, while every input still passes the rule when it is decoded.
 */
const refined = <A extends string | number>(
  base: t.Type<A, A, unknown>,
  name: string,
  ok: (a: A) => boolean,
): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => base.is(u) && ok(u),
    (u, c) => (base.is(u) && ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

/**
 * ISO-8601 instant in UTC, e.g. 2026-03-01T08:00:00.000Z. Decoding normalises it to the clock's form
 * (always milliseconds), so that instants compare correctly as text everywhere.
 */
export const IsoDateTime = new t.Type<string, string, unknown>(
  'IsoDateTime',
  (u): u is string => typeof u === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(u),
  (u, c) =>
    typeof u === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(u) &&
    !Number.isNaN(Date.parse(u))
      ? t.success(new Date(u).toISOString())
      : t.failure(u, c),
  t.identity,
);
export type IsoDateTime = string;

/** A calendar date, e.g. 2026-03-01. */
export const IsoDate = refined(
  t.string,
  'IsoDate',
  (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
);
export type IsoDate = string;

/** A non-blank string of at most 4000 characters. */
export const NonEmpty = refined(t.string, 'NonEmpty', (s) => s.trim().length > 0 && s.length <= 4000);
export type NonEmpty = string;

/** An amount in integer minor units (fen for CNY). */
export const MinorUnits = refined(t.number, 'MinorUnits', (n) => Number.isSafeInteger(n));

export const Currency = t.keyof({ CNY: null, USD: null, EUR: null, HKD: null, JPY: null, GBP: null });

/** Money: integer minor units and a currency (DOMAIN.md §1, transactions). */
export const Money = t.exact(t.type({ minor: MinorUnits, currency: Currency }), 'Money');
export type Money = t.TypeOf<typeof Money>;

/** 客户等级 */
export const Tier = t.keyof({ A: null, B: null, C: null }, 'Tier');
export type Tier = t.TypeOf<typeof Tier>;

/** 密级: internal 内部 / confidential 秘密 / secret 机密 */
export const SecrecyLevel = t.keyof({ internal: null, confidential: null, secret: null }, 'SecrecyLevel');
export type SecrecyLevel = t.TypeOf<typeof SecrecyLevel>;

/** The roles of DOMAIN.md §6. */
export const Role = t.keyof(
  {
    sales_rep: null, // 业务员
    sales_manager: null, // 销售经理
    marketing_manager: null, // 市场营销经理
    marketing_director: null, // 营销总监
    customer_service: null, // 客户服务部 (the archive keeper)
    department_head: null, // 部门负责人
    auditor: null,
    other_department: null, // 其他部门人员
    system: null, // the worker
  },
  'Role',
);
export type Role = t.TypeOf<typeof Role>;

export const Actor = t.intersection(
  [t.type({ id: NonEmpty, role: Role, department: t.string }), t.partial({ name: t.string })],
  'Actor',
);
export type Actor = t.TypeOf<typeof Actor>;

/** A staff member as an archive refers to them. */
export const StaffRef = t.exact(
  t.intersection([t.type({ id: NonEmpty }), t.partial({ name: t.string, department: t.string })]),
  'StaffRef',
);
export type StaffRef = t.TypeOf<typeof StaffRef>;

export const ContactChannel = t.keyof({ phone: null, visit: null, other: null }, 'ContactChannel');
export type ContactChannel = t.TypeOf<typeof ContactChannel>;

/** What a personal value reads as once its archive's key is destroyed (DOMAIN.md §7). */
export const RedactedValue = t.type({ $redacted: t.literal('destroyed') }, 'Redacted');

/** A personal value still sealed (read models keep it so, and open it only on an allowed read). */
export const SealedValue = t.type({ $pii: t.string }, 'Sealed');

/** A personal-information slot: the value, still sealed, or the destroyed marker once its key is gone. */
export const Personal = <C extends t.Mixed>(codec: C) =>
  t.union([codec, SealedValue, RedactedValue], `Personal<${codec.name}>`);
