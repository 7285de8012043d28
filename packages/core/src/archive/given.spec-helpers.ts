/* Given / when / then for the archive decider: decoded commands, folded histories, readable outcomes. */
import type { Either } from 'fp-ts/Either';
import { isLeft, isRight } from 'fp-ts/Either';
import type { ArchiveEvent, EventOf, EventType } from '../events/archive-events';
import { toValidationError } from '../events/validation';
import type { Role } from '../events/values';
import type { PolicyConfig } from '../policies/config';
import { defaultPolicyConfig } from '../policies/config';
import { aCreateArchive, anActor } from '../testing/fixtures';
import type { ArchiveCommand, CommandType } from './commands';
import { ArchiveCommandCodec } from './commands';
import type { ArchiveDecider } from './decide';
import { makeArchiveDecider } from './decide';
import type { DecideError } from './errors';
import { evolve } from './evolve';
import type { ArchiveData, ArchiveState } from './state';
import { initialState } from './state';

/** The archive every specification talks about. */
export const ID = 'archive-0001';
/** Monday 2 March 2026, 10:00 in Shanghai. */
export const T0 = '2026-03-02T02:00:00.000Z';

/** T0 moved by whole days, hours and minutes. */
export const later = (days: number, hours = 0, minutes = 0, from: string = T0): string =>
  new Date(new Date(from).getTime() + ((days * 24 + hours) * 60 + minutes) * 60_000).toISOString();

export type TestActor = ReturnType<typeof anActor>;

/** The cast: one person per role, with a second where a rule needs two of them. */
export const staff = {
  rep: anActor('sales_rep', 'rep-1'),
  rep2: anActor('sales_rep', 'rep-2'),
  salesManager: anActor('sales_manager', 'sm-1'),
  marketingManager: anActor('marketing_manager', 'mm-1'),
  director: anActor('marketing_director', 'md-1'),
  director2: anActor('marketing_director', 'md-2'),
  keeper: anActor('customer_service', 'cs-1'),
  keeper2: anActor('customer_service', 'cs-2'),
  head: anActor('department_head', 'dh-1'),
  head2: anActor('department_head', 'dh-2'),
  auditor: anActor('auditor', 'au-1'),
  outsider: anActor('other_department', 'od-1'),
  worker: anActor('system', 'worker'),
} as const;

export const actor = (role: Role, id: string): TestActor => anActor(role, id);

/** Decode a raw command as the handler does; a raw command that does not decode is a broken specification. */
export const cmd = (raw: unknown): ArchiveCommand => {
  const decoded = ArchiveCommandCodec.decode(raw);
  if (isLeft(decoded)) throw new Error(toValidationError(decoded.left, 'command').message);
  return decoded.right;
};

let sequence = 0;

/** A command of `type` on the archive, by `by` at `issuedAt`. */
export const command = (
  type: CommandType,
  fields: Record<string, unknown> = {},
  by: TestActor = staff.rep,
  issuedAt: string = T0,
): ArchiveCommand =>
  cmd({ type, commandId: `${type}-${++sequence}`, archiveId: ID, actor: by, issuedAt, ...fields });

/** 建档 with the fixture profile, by the sales rep at T0; overrides replace members of the command. */
export const create = (overrides: Record<string, unknown> = {}): ArchiveCommand =>
  cmd({ ...aCreateArchive(ID), issuedAt: T0, ...overrides });

/** A worker finding, recorded by the system role unless said otherwise. */
export const finding = (
  type: EventType,
  data: Record<string, unknown>,
  by: TestActor = staff.worker,
  issuedAt: string = T0,
): ArchiveCommand => command('RecordFinding', { finding: { type, data } }, by, issuedAt);

/** Fold events into a state. */
export const given = (events: readonly ArchiveEvent[]): ArchiveState => events.reduce(evolve, initialState);

/** The open archive's data after the events (fails the specification when there is none). */
export const openArchive = (events: readonly ArchiveEvent[]): ArchiveData => {
  const s = given(events);
  if (s.status === 'none') throw new Error('expected an archive, found none');
  return s;
};

/** The events a sequence of accepted commands produces: each is decided against the state the earlier ones left. */
export const history = (
  commands: readonly ArchiveCommand[],
  decider: ArchiveDecider = makeArchiveDecider(defaultPolicyConfig),
): ArchiveEvent[] => {
  const events: ArchiveEvent[] = [];
  let state = initialState;
  for (const c of commands) {
    const decided = decider.decide(c, state);
    if (isLeft(decided)) throw new Error(`given: ${c.type} was refused: ${JSON.stringify(decided.left)}`);
    events.push(...decided.right);
    state = decided.right.reduce(decider.evolve, state);
  }
  return events;
};

export type Outcome = Either<DecideError, ArchiveEvent[]>;

/** Decide `c` against the state the given events leave. */
export const when = (
  c: ArchiveCommand,
  events: readonly ArchiveEvent[] = [],
  config: PolicyConfig = defaultPolicyConfig,
): Outcome => makeArchiveDecider(config).decide(c, given(events));

/** The events of an accepted decision (fails the specification on a refusal, naming it). */
export const eventsOf = (o: Outcome): ArchiveEvent[] => {
  if (isLeft(o)) throw new Error(`expected events, got ${o.left._tag}: ${JSON.stringify(o.left)}`);
  return o.right;
};

/** The error of a refused decision (fails the specification when it was accepted, naming the events). */
export const errorOf = (o: Outcome): DecideError => {
  if (isRight(o)) throw new Error(`expected a refusal, got ${JSON.stringify(o.right.map((e) => e.type))}`);
  return o.left;
};

/** The code of a refusal (DomainError or Forbidden), or the failing paths of a ValidationError. */
export const refusal = (o: Outcome): { _tag: DecideError['_tag']; code: string } => {
  const e = errorOf(o);
  return {
    _tag: e._tag,
    code: e._tag === 'ValidationError' ? e.errors.map((x) => x.path).join(',') : e.code,
  };
};

/** The one event of a decision, of the type expected. */
export const onlyEvent = <K extends EventType>(o: Outcome, type: K): EventOf<K>['data'] => {
  const events = eventsOf(o);
  expect(events.map((e) => e.type)).toEqual([type]);
  return events[0]!.data as never;
};

/** One valid-looking command of every type but CreateArchive, as raw fields. */
export const everyCommandButCreate: [CommandType, Record<string, unknown>][] = [
  ['RecordInformation', { receiptId: 'r1', channel: 'phone', summary: 's', receivedAt: T0 }],
  ['UpdateArchive', { changes: { company: { fax: '1' } }, reason: 'r' }],
  ['LogContact', { contactId: 'c1', channel: 'phone', contactedAt: T0, withWhom: '王丽华' }],
  [
    'RecordTransaction',
    {
      transactionId: 't1',
      number: 'HT-1',
      occurredAt: T0,
      amount: { minor: 1, currency: 'CNY' },
      personInCharge: 'rep-1',
      breachOfContract: false,
    },
  ],
  ['ChangeTier', { to: 'A', reason: 'r' }],
  ['RequestBorrow', { borrowingId: 'b1', purpose: 'p' }],
  ['ApproveBorrow', { borrowingId: 'b1' }],
  ['RejectBorrow', { borrowingId: 'b1', reason: 'r' }],
  ['LendArchive', { borrowingId: 'b1' }],
  ['ReturnArchive', { borrowingId: 'b1', condition: 'intact' }],
  ['RequestDisclosure', { disclosureId: 'd1', recipient: 'bank', purpose: 'p' }],
  ['ApproveDisclosure', { disclosureId: 'd1' }],
  ['DiscloseArchive', { disclosureId: 'd1' }],
  ['ChangeCustodian', { to: { id: 'rep-2' }, reason: 'r', signedOffBy: [] }],
  ['ChangeSecrecyLevel', { to: 'secret', reason: 'r' }],
  ['PlaceHold', { holdId: 'h1', kind: 'legal', reason: 'r' }],
  ['ReleaseHold', { holdId: 'h1', reason: 'r' }],
  ['RequestDestruction', { destructionId: 'x1', reason: 'r', basis: 'no_agreement' }],
  ['ApproveDestruction', { destructionId: 'x1' }],
  ['ExecuteDestruction', { destructionId: 'x1', witnesses: [{ id: 'w1' }, { id: 'w2' }], method: 'm' }],
  ['RecordFinding', { finding: { type: 'ReviewDue', data: { kind: 'yearly_full', dueOn: '2026-03-02' } } }],
];
