/* A generated, realistic history: archives created, informed, updated, contacted, traded, re-tiered, borrowed. */
import { randomUUID } from 'node:crypto';
import type { ArchiveEvent, EventStore, EventToAppend, KeyStore } from '@dossier/core';
import { archiveStream, encodeEvent, sealPersonal, sealerFor } from '@dossier/core';

const day = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const tiers = ['A', 'B', 'C'] as const;
const industries = ['machinery', 'chemicals', 'textiles', 'electronics', 'logistics', 'retail'];
const regions = ['east', 'north', 'south', 'west', 'central'];
const natures = [
  'listed',
  'private_limited',
  'sino_foreign_jv',
  'wholly_foreign_owned',
  'state_owned',
] as const;
const rep = { id: 'rep-1', role: 'sales_rep', department: 'marketing' };
const mm = { id: 'mm-1', role: 'marketing_manager', department: 'marketing' };

/** The chunk of events archive `i` contributes in round `r` (5 events a round). */
const chunk = (i: number, id: string, r: number, t0: number): ArchiveEvent[] => {
  const t = t0 + r * 30 * day + (i % 1000) * 60_000;
  const staff = { id: rep.id, department: rep.department };
  const tierAt = (k: number) => tiers[(i + Math.floor(k / 3)) % 3]!;
  if (r === 0)
    return [
      {
        type: 'ArchiveCreated',
        data: {
          archiveId: id,
          number: `KH-${String(i).padStart(6, '0')}`,
          createdAt: iso(t),
          createdBy: staff,
          custodian: staff,
          department: 'marketing',
          tier: tierAt(0),
          secrecyLevel: i % 10 === 0 ? 'confidential' : 'internal',
          profile: {
            company: { name: `客户公司 ${i}`, address: `上海市 ${i} 号`, bankAccount: `6222 ${i}` },
            classification: {
              industry: industries[i % 6]!,
              region: regions[i % 5]!,
              nature: natures[i % 5]!,
              status: 'active',
            },
            people: [
              { role: 'main_contact', name: `联系人 ${i}`, mobile: `138${String(i).padStart(8, '0')}` },
            ],
            business: {},
          },
        },
      },
      {
        type: 'InformationReceived',
        data: {
          receiptId: `r-${r}`,
          channel: 'visit',
          summary: '新信息',
          receivedAt: iso(t),
          receivedBy: staff,
        },
      },
      {
        type: 'ContactLogged',
        data: {
          contactId: `c-${r}`,
          channel: 'phone',
          at: iso(t + 1000),
          withWhom: `联系人 ${i}`,
          by: staff,
        },
      },
      {
        type: 'TransactionRecorded',
        data: {
          transactionId: `tx-${r}`,
          number: `HT-${i}-${r}`,
          at: iso(t + 2000),
          amount: { minor: 100_000 * ((i * 7 + r) % 97), currency: 'CNY' },
          personInCharge: '李明',
          breachOfContract: false,
        },
      },
      {
        type: 'ArchiveUpdated',
        data: {
          changes: [{ field: 'company.address', before: `上海市 ${i} 号`, after: `上海市 ${i} 号 ${r}` }],
          reason: '更新',
          resolves: [`r-${r}`],
          updatedBy: staff,
          at: iso(t + 3000),
        },
      },
    ];
  const events: ArchiveEvent[] = [
    {
      type: 'InformationReceived',
      data: {
        receiptId: `r-${r}`,
        channel: 'phone',
        summary: '新信息',
        receivedAt: iso(t),
        receivedBy: staff,
      },
    },
    {
      type: 'ArchiveUpdated',
      data: {
        changes: [
          { field: 'company.address', before: `上海市 ${i} 号 ${r - 1}`, after: `上海市 ${i} 号 ${r}` },
        ],
        reason: '更新',
        resolves: [`r-${r}`],
        updatedBy: staff,
        at: iso(t + 1000),
      },
    },
    {
      type: 'ContactLogged',
      data: {
        contactId: `c-${r}`,
        channel: r % 3 === 0 ? 'visit' : 'phone',
        at: iso(t + 2000),
        withWhom: `联系人 ${i}`,
        by: staff,
      },
    },
  ];
  if (r % 3 === 0)
    events.push({
      type: 'TierChanged',
      data: { from: tierAt(r - 3), to: tierAt(r), direction: 'up', reason: '复核', at: iso(t + 3000) },
    });
  else
    events.push({
      type: 'TransactionRecorded',
      data: {
        transactionId: `tx-${r}`,
        number: `HT-${i}-${r}`,
        at: iso(t + 3000),
        amount: { minor: 50_000 * r, currency: 'CNY' },
        personInCharge: '李明',
        breachOfContract: false,
      },
    });
  if (r === 5)
    events.push({
      type: 'BorrowRequested',
      data: {
        borrowingId: `b-${i}`,
        requester: { id: 'fin-1', role: 'other_department', department: 'finance' },
        purpose: '对账',
        requestedAt: iso(t + 4000),
      },
    });
  else if (r === 6)
    events.push({
      type: 'BorrowApproved',
      data: { borrowingId: `b-${i}`, approver: { id: 'md-1', role: 'marketing_director' } },
    });
  else if (r === 7)
    events.push({
      type: 'ArchiveLent',
      data: {
        borrowingId: `b-${i}`,
        lentAt: iso(t),
        dueAt: iso(t + 3600_000),
        lentBy: staff,
        destination: 'may_leave_office',
      },
    });
  else if (r === 8)
    events.push({
      type: 'ArchiveReturned',
      data: { borrowingId: `b-${i}`, returnedAt: iso(t), receivedBy: staff, condition: 'intact' },
    });
  else
    events.push({
      type: 'ContactDue',
      data: { channel: 'phone', dueOn: iso(t).slice(0, 10), tier: tierAt(r) },
    });
  return events;
};

/**
 * Append `archives` archives × `rounds` rounds of 5 events, interleaved round by round as a real log is,
 * with personal fields sealed as the command handler seals them.
 */
export const generateHistory = async (
  store: EventStore,
  keys: KeyStore,
  archives: number,
  rounds: number,
  progress?: (n: number) => void,
) => {
  const ids = Array.from({ length: archives }, () => randomUUID());
  const sealers = new Map<string, ReturnType<typeof sealerFor>>();
  const t0 = Date.parse('2024-11-01T02:00:00.000Z');
  let written = 0;
  for (let r = 0; r < rounds; r++) {
    for (let from = 0; from < archives; from += 256) {
      await Promise.all(
        ids.slice(from, from + 256).map(async (id, k) => {
          const i = from + k;
          let seal = sealers.get(id);
          if (!seal) {
            seal = sealerFor(await keys.getOrCreate(id), id);
            sealers.set(id, seal);
          }
          const events: EventToAppend[] = chunk(i, id, r, t0).map((e, n) => {
            const enc = encodeEvent(e);
            return {
              eventId: randomUUID(),
              type: enc.type,
              schemaVersion: enc.schemaVersion,
              data: sealPersonal(enc.type, enc.data, seal!),
              metadata: {
                actor: r % 3 === 0 && n === 3 ? mm : rep,
                occurredAt: iso(t0 + r * 30 * day),
                correlationId: id,
                causationId: id,
              },
            };
          });
          const res = await store.append(archiveStream(id), events, 'any');
          if (res._tag === 'Left') throw new Error('append conflict in generator');
          written += events.length;
        }),
      );
      progress?.(written);
    }
  }
  return written;
};
