import type { ArchiveEvent } from '../events/archive-events';
import type { Profile } from '../events/profile';
import { REDACTED } from '../privacy/encryption';
import type { ArchiveState } from './state';
import { initialState } from './state';
import { findingKey } from './findings';

const setField = (profile: Profile, field: string, value: unknown): Profile => {
  if (field === 'people') return { ...profile, people: value as Profile['people'] };
  const [group, key] = field.split('.') as [keyof Profile, string];
  const current = { ...(profile[group] as Record<string, unknown>) };
  if (value === undefined || value === null) delete current[key];
  else current[key] = value;
  return { ...profile, [group]: current };
};

/** What destruction leaves of the profile: every personal field redacted (DOMAIN.md §7). */
const redactProfile = (p: Profile): Profile => ({
  ...p,
  company: p.company.bankAccount === undefined ? p.company : { ...p.company, bankAccount: REDACTED },
  people: REDACTED,
});

type Open = Extract<ArchiveState, { status: 'open' }>;

/** Apply `f` to an open archive (it copies what it changes: the state it returns keeps `status: 'open'`). */
const onOpen = (s: ArchiveState, f: (d: Open) => Open): ArchiveState => (s.status === 'open' ? f(s) : s);

/** Fold one event into the state. Total: an event that does not apply leaves the state as it was. */
export const evolve = (state: ArchiveState, event: ArchiveEvent): ArchiveState => {
  switch (event.type) {
    case 'ArchiveCreated': {
      const e = event.data;
      if (state.status !== 'none') return state;
      return {
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
    }
    case 'InformationReceived':
      return onOpen(state, (d) => ({
        ...d,
        receipts: {
          ...d.receipts,
          [event.data.receiptId]: { receivedAt: event.data.receivedAt, warned: false, breached: false },
        },
      }));
    case 'ArchiveUpdated':
      return onOpen(state, (d) => {
        const profile = event.data.changes.reduce((p, c) => setField(p, c.field, c.after), d.profile);
        // the receipts are copied only when the update resolves some (they grow with the archive's history)
        let receipts = d.receipts;
        for (const id of event.data.resolves) {
          const r = receipts[id];
          if (r && !r.resolvedAt) receipts = { ...receipts, [id]: { ...r, resolvedAt: event.data.at } };
        }
        return {
          ...d,
          profile,
          receipts,
          agreementReached: d.agreementReached || profile.classification.status === 'active',
        };
      });
    case 'ContactLogged':
      return onOpen(state, (d) => {
        const { channel, at: when } = event.data;
        if (channel === 'other') return d;
        const last = d.lastContact[channel];
        return { ...d, lastContact: { ...d.lastContact, [channel]: !last || when > last ? when : last } };
      });
    case 'TransactionRecorded':
      return onOpen(state, (d) => ({
        ...d,
        agreementReached: true,
        transactions: [
          ...d.transactions,
          { at: event.data.at, minor: event.data.amount.minor, currency: event.data.amount.currency },
        ],
      }));
    case 'TierChanged':
      return onOpen(state, (d) => ({ ...d, tier: event.data.to, tierSince: event.data.at }));
    case 'BorrowRequested':
      return onOpen(state, (d) => ({
        ...d,
        borrowings: {
          ...d.borrowings,
          [event.data.borrowingId]: {
            requester: event.data.requester,
            purpose: event.data.purpose,
            status: 'requested',
            overdueRecorded: false,
          },
        },
      }));
    case 'BorrowApproved':
    case 'BorrowRejected':
    case 'ArchiveLent':
    case 'ArchiveReturned':
    case 'ReturnOverdue':
      return onOpen(state, (d) => {
        const b = d.borrowings[event.data.borrowingId];
        if (!b) return d;
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
        return { ...d, borrowings: { ...d.borrowings, [event.data.borrowingId]: next } };
      });
    case 'DisclosureRequested':
      return onOpen(state, (d) => ({
        ...d,
        disclosures: {
          ...d.disclosures,
          [event.data.disclosureId]: { requestedBy: event.data.requestedBy, approvals: [], disclosed: false },
        },
      }));
    case 'DisclosureApproved':
    case 'ArchiveDisclosed':
      return onOpen(state, (d) => {
        const x = d.disclosures[event.data.disclosureId];
        if (!x) return d;
        const next =
          event.type === 'DisclosureApproved'
            ? { ...x, approvals: [...x.approvals, event.data.approver] }
            : { ...x, disclosed: true };
        return { ...d, disclosures: { ...d.disclosures, [event.data.disclosureId]: next } };
      });
    case 'CustodianChanged':
      return onOpen(state, (d) => ({ ...d, custodian: event.data.to }));
    case 'SecrecyLevelChanged':
      return onOpen(state, (d) => ({ ...d, secrecyLevel: event.data.to }));
    case 'HoldPlaced':
      return onOpen(state, (d) => ({
        ...d,
        holds: { ...d.holds, [event.data.holdId]: { kind: event.data.kind, reason: event.data.reason } },
      }));
    case 'HoldReleased':
      return onOpen(state, (d) => {
        const holds = { ...d.holds };
        delete holds[event.data.holdId];
        return { ...d, holds };
      });
    case 'DestructionRequested':
      return onOpen(state, (d) => ({
        ...d,
        destruction: {
          destructionId: event.data.destructionId,
          requestedBy: event.data.requestedBy,
          reason: event.data.reason,
          basis: event.data.basis,
          ...(event.data.retentionUntil ? { retentionUntil: event.data.retentionUntil } : {}),
        },
      }));
    case 'DestructionApproved':
      return onOpen(state, (d) =>
        d.destruction ? { ...d, destruction: { ...d.destruction, approvedBy: event.data.approvedBy } } : d,
      );
    case 'ArchiveDestroyed':
      if (state.status !== 'open') return state;
      return {
        ...state,
        status: 'destroyed',
        destroyedAt: event.data.destroyedAt,
        profile: redactProfile(state.profile),
        destruction: undefined,
      };
    case 'UpdateSlaWarned':
    case 'UpdateSlaBreached':
      return onOpen(state, (d) => {
        const r = d.receipts[event.data.receiptId];
        const findings = { ...d.findings, [findingKey(event)]: true as const };
        if (!r) return { ...d, findings };
        const next =
          event.type === 'UpdateSlaWarned' ? { ...r, warned: true } : { ...r, warned: true, breached: true };
        return { ...d, findings, receipts: { ...d.receipts, [event.data.receiptId]: next } };
      });
    case 'ContactDue':
    case 'ContactOverdue':
    case 'ReviewDue':
    case 'TierChangeProposed':
      return onOpen(state, (d) => ({ ...d, findings: { ...d.findings, [findingKey(event)]: true } }));
  }
};

/** Replay: the state after all the events, in order. */
export const replay = (events: readonly ArchiveEvent[], from: ArchiveState = initialState): ArchiveState =>
  events.reduce(evolve, from);
