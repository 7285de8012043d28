import type { ArchiveEvent } from '../events/archive-events';
import type { Profile } from '../events/profile';
import { REDACTED } from '../privacy/encryption';
import type { ArchiveState } from './state';
import { initialState } from './state';
import { findingKey } from './findings';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Open = Extract<ArchiveState, { status: 'open' }>;

/**
 * The parts of a state that a fold made itself, and so may change in place. `evolve` owns nothing: each
 * event copies what it changes, and every state it is given or returns stays as it is. A fold of many events
 * (`replay`, `folder`) copies each part the first time it changes it, and changes its own copy in place
 * after: the same states, without a copy of the whole archive for every event.
 */
type Owned = Set<object> | undefined;

/** `o` as the fold's own to change: itself when the fold made it, else a copy that the fold now owns. */
const mine = <T extends object>(owned: Owned, o: T): Mutable<T> => {
  if (owned?.has(o)) return o as Mutable<T>;
  const copy = (Array.isArray(o) ? [...(o as unknown[])] : { ...o }) as Mutable<T>;
  owned?.add(copy);
  return copy;
};

const setField = (owned: Owned, profile: Profile, field: string, value: unknown): Profile => {
  const p = mine(owned, profile);
  if (field === 'people') {
    p.people = value as Profile['people'];
    return p;
  }
  const [group, key] = field.split('.') as [keyof Profile, string];
  const current = mine(owned, (p[group] ?? {}) as Record<string, unknown>);
  if (value === undefined || value === null) delete current[key];
  else current[key] = value;
  (p as Record<string, unknown>)[group] = current;
  return p;
};

/** What destruction leaves of the profile: every personal field redacted (DOMAIN.md §7). */
const redactProfile = (p: Profile): Profile => ({
  ...p,
  company: p.company.bankAccount === undefined ? p.company : { ...p.company, bankAccount: REDACTED },
  people: REDACTED,
});

/** The state's collections keyed by an id: receipts, borrowings, disclosures, holds, findings. */
type Keyed = 'receipts' | 'borrowings' | 'disclosures' | 'holds' | 'findings';

/**
 * `d` with the entry `id` of its collection `part` set to `value` (removed when undefined): the collection is
 * copied first unless the fold owns it (see `mine`).
 */
const put = <K extends Keyed>(
  owned: Owned,
  d: Mutable<Open>,
  part: K,
  id: string,
  value: Open[K][string] | undefined,
): Mutable<Open> => {
  const entries = mine(owned, d[part]) as Record<string, Open[K][string]>;
  if (value === undefined) delete entries[id];
  else entries[id] = value;
  (d as Record<Keyed, unknown>)[part] = entries;
  return d;
};

/** Fold one event into the state, changing in place only what `owned` holds (see `Owned`). */
const step = (state: ArchiveState, event: ArchiveEvent, owned: Owned): ArchiveState => {
  if (event.type === 'ArchiveCreated') {
    const e = event.data;
    if (state.status !== 'none') return state;
    const created: Open = {
      status: 'open',
      archiveId: e.archiveId,
      number: e.number,
      createdAt: e.createdAt,
      createdBy: e.createdBy,
      custodian: e.custodian,
      department: e.department,
      tier: e.tier,
      tierSince: e.createdAt,
      secrecyLevel: e.secrecyLevel,
      profile: e.profile,
      receipts: {},
      lastContact: {},
      transactions: [],
      agreementReached: e.profile.classification.status === 'active',
      borrowings: {},
      disclosures: {},
      holds: {},
      findings: {},
    };
    // made here, so the fold's own; the profile is the event's, copied when first changed
    if (owned)
      for (const part of [
        created,
        created.receipts,
        created.lastContact,
        created.transactions,
        created.borrowings,
        created.disclosures,
        created.holds,
        created.findings,
      ])
        owned.add(part);
    return created;
  }
  // every other event changes an open archive only (a destroyed one keeps only reads)
  if (state.status !== 'open') return state;
  /** The open state as the fold's own to change (asked for only once the event changes something). */
  const open = (): Mutable<Open> => mine(owned, state);
  switch (event.type) {
    case 'InformationReceived':
      return put(owned, open(), 'receipts', event.data.receiptId, {
        receivedAt: event.data.receivedAt,
        warned: false,
        breached: false,
      });
    case 'ArchiveUpdated': {
      const d = open();
      const profile = event.data.changes.reduce((p, c) => setField(owned, p, c.field, c.after), d.profile);
      // the receipts are copied only when the update resolves some (they grow with the archive's history)
      for (const id of event.data.resolves) {
        const r = d.receipts[id];
        if (r && !r.resolvedAt) put(owned, d, 'receipts', id, { ...r, resolvedAt: event.data.at });
      }
      d.profile = profile;
      d.agreementReached = d.agreementReached || profile.classification.status === 'active';
      return d;
    }
    case 'ContactLogged': {
      const { channel, at: when } = event.data;
      if (channel === 'other') return state;
      const d = open();
      const last = d.lastContact[channel];
      const lastContact = mine(owned, d.lastContact);
      lastContact[channel] = !last || when > last ? when : last;
      d.lastContact = lastContact;
      return d;
    }
    case 'TransactionRecorded': {
      const d = open();
      const transactions = mine(owned, d.transactions);
      transactions.push({
        at: event.data.at,
        minor: event.data.amount.minor,
        currency: event.data.amount.currency,
      });
      d.agreementReached = true;
      d.transactions = transactions;
      return d;
    }
    case 'TierChanged':
      return Object.assign(open(), { tier: event.data.to, tierSince: event.data.at });
    case 'BorrowRequested':
      return put(owned, open(), 'borrowings', event.data.borrowingId, {
        requester: event.data.requester,
        purpose: event.data.purpose,
        status: 'requested',
        overdueRecorded: false,
      });
    case 'BorrowApproved':
    case 'BorrowRejected':
    case 'ArchiveLent':
    case 'ArchiveReturned':
    case 'ReturnOverdue': {
      const b = state.borrowings[event.data.borrowingId];
      if (!b) return state;
      const next =
        event.type === 'BorrowApproved'
          ? { ...b, status: 'approved' as const, approver: event.data.approver }
          : event.type === 'BorrowRejected'
            ? { ...b, status: 'rejected' as const, approver: event.data.rejectedBy }
            : event.type === 'ArchiveLent'
              ? { ...b, status: 'lent' as const, lentAt: event.data.lentAt, dueAt: event.data.dueAt }
              : event.type === 'ArchiveReturned'
                ? { ...b, status: 'returned' as const, returnedAt: event.data.returnedAt }
                : { ...b, overdueRecorded: true };
      return put(owned, open(), 'borrowings', event.data.borrowingId, next);
    }
    case 'DisclosureRequested':
      return put(owned, open(), 'disclosures', event.data.disclosureId, {
        requestedBy: event.data.requestedBy,
        approvals: [],
        disclosed: false,
      });
    case 'DisclosureApproved':
    case 'ArchiveDisclosed': {
      const x = state.disclosures[event.data.disclosureId];
      if (!x) return state;
      return put(
        owned,
        open(),
        'disclosures',
        event.data.disclosureId,
        event.type === 'DisclosureApproved'
          ? { ...x, approvals: [...x.approvals, event.data.approver] }
          : { ...x, disclosed: true },
      );
    }
    case 'CustodianChanged':
      return Object.assign(open(), { custodian: event.data.to });
    case 'SecrecyLevelChanged':
      return Object.assign(open(), { secrecyLevel: event.data.to });
    case 'HoldPlaced':
      return put(owned, open(), 'holds', event.data.holdId, {
        kind: event.data.kind,
        reason: event.data.reason,
      });
    case 'HoldReleased':
      return put(owned, open(), 'holds', event.data.holdId, undefined);
    case 'DestructionRequested': {
      const d = open();
      d.destruction = {
        destructionId: event.data.destructionId,
        requestedBy: event.data.requestedBy,
        reason: event.data.reason,
        basis: event.data.basis,
        ...(event.data.retentionUntil ? { retentionUntil: event.data.retentionUntil } : {}),
      };
      return d;
    }
    case 'DestructionApproved': {
      if (!state.destruction) return state;
      const d = open();
      d.destruction = { ...state.destruction, approvedBy: event.data.approvedBy };
      return d;
    }
    case 'ArchiveDestroyed':
      return {
        ...state,
        status: 'destroyed',
        destroyedAt: event.data.destroyedAt,
        profile: redactProfile(state.profile),
        destruction: undefined,
      };
    case 'UpdateSlaWarned':
    case 'UpdateSlaBreached': {
      const d = put(owned, open(), 'findings', findingKey(event), true);
      const r = d.receipts[event.data.receiptId];
      if (!r) return d;
      return put(
        owned,
        d,
        'receipts',
        event.data.receiptId,
        event.type === 'UpdateSlaWarned' ? { ...r, warned: true } : { ...r, warned: true, breached: true },
      );
    }
    case 'ContactDue':
    case 'ContactOverdue':
    case 'ReviewDue':
    case 'TierChangeProposed':
      return put(owned, open(), 'findings', findingKey(event), true);
  }
};

/** Fold one event into the state. Total: an event that does not apply leaves the state as it was. */
export const evolve = (state: ArchiveState, event: ArchiveEvent): ArchiveState =>
  step(state, event, undefined);

/**
 * A fold of many events: `(state, event) => state` like `evolve`, with the same states, but the parts it has
 * copied once are changed in place after (see `Owned`). The states and events it is given are left as they
 * are; a state it returned is changed by the next event folded into it, so only the last is to be kept. A read
 * model folding a batch holds one folder for the batch (`replay` one for its events).
 */
export const folder = () => {
  const owned = new Set<object>();
  return (state: ArchiveState, event: ArchiveEvent): ArchiveState => step(state, event, owned);
};

/** Replay: the state after all the events, in order. */
export const replay = (events: readonly ArchiveEvent[], from: ArchiveState = initialState): ArchiveState =>
  events.reduce(folder(), from);
