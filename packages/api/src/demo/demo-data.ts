import type { Actor, ArchiveState, CommandHandler, Tier } from '@dossier/core';
import {
  commandHandler,
  defaultPolicyConfig,
  localDate,
  nextContactDue,
  readLogStream,
  zonedInstant,
} from '@dossier/core';
import type { Dossier } from '../compose';
import { archiveReadEvent } from '../queries/read-event';
import type { Rng } from './demo-people';
import { companyName, industries, mobile, personName, pick, regions, seeded, staff } from './demo-people';

export interface DemoOptions {
  /** How many archives (default 300). */
  readonly archives?: number;
  /** How far back the history starts, in days (default 730: two years). */
  readonly days?: number;
  readonly seed?: number;
  readonly now?: Date;
  readonly onProgress?: (line: string) => void;
}

export interface DemoSummary {
  readonly archives: number;
  readonly commands: number;
  readonly refused: number;
  readonly reads: number;
  readonly eventTypes: Record<string, number>;
  readonly from: string;
  readonly to: string;
}

type Cmd = Record<string, unknown> & { type: string };

/** One archive's script: its actions in time, each a command built from the archive's state at that moment. */
interface Action {
  readonly at: number;
  readonly archive: number;
  readonly build: (state: ArchiveState, at: string) => Cmd | 'read' | undefined;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Office hours in the company's time zone: 09:00–17:00 Asia/Shanghai is 01:00–09:00 UTC. */
const officeTime = (rng: Rng, day: number) => {
  const d = new Date(day);
  d.setUTCHours(1 + Math.floor(rng() * 8), Math.floor(rng() * 60), Math.floor(rng() * 60), 0);
  return d.getTime();
};

const open = (s: ArchiveState) => (s.status === 'open' ? s : undefined);

const planArchive = (rng: Rng, i: number, start: number, end: number): { id: string; actions: Action[] } => {
  const id = `demo-${String(i + 1).padStart(4, '0')}`;
  const [industry, industryName] = pick(rng, industries);
  const r = rng();
  const tier: Tier = r < 0.2 ? 'A' : r < 0.6 ? 'B' : 'C';
  const s = rng();
  const secrecy = s < 0.85 ? 'internal' : s < 0.95 ? 'confidential' : 'secret';
  const st = rng();
  const status = st < 0.5 ? 'active' : st < 0.75 ? 'intended' : st < 0.95 ? 'potential' : 'paused';
  const rep = pick(rng, staff.reps);
  const name = companyName(rng, industryName);
  const contactName = personName(rng);
  const createdAt = officeTime(rng, start + Math.floor(rng() * 120) * DAY);
  const actions: Action[] = [];
  const add = (at: number, build: Action['build']) => {
    if (at < end) actions.push({ at, archive: i, build });
  };
  const seniorFor = (state: ArchiveState): Actor => {
    const o = open(state);
    return o && (o.tier === 'A' || o.secrecyLevel !== 'internal') ? staff.marketingDirector : rep;
  };
  let n = 0;
  const key = (what: string) => `${id}-${what}-${++n}`;

  add(createdAt, () => ({
    type: 'CreateArchive',
    actor: rep,
    custodian: { id: rep.id, name: rep.name, department: rep.department },
    department: 'marketing',
    tier,
    secrecyLevel: secrecy,
    profile: {
      company: {
        name,
        shortName: name.slice(2, 6),
        creditCode: `91${String(310000 + i * 37).padStart(6, '0')}MA${String(1000 + i).slice(-4)}X${i % 10}`,
        address: `${name.slice(0, 2)}市工业园区 ${10 + (i % 90)} 号`,
        phone: `021-5${String(1000000 + i * 7919).slice(-7)}`,
        bank: '中国工商银行',
        bankAccount: `6222 ${String(1000 + i).slice(-4)} ${String(Math.floor(rng() * 1e4)).padStart(4, '0')} ${String(Math.floor(rng() * 1e4)).padStart(4, '0')}`,
        legalRepresentative: personName(rng),
        foundedOn: `${1990 + Math.floor(rng() * 30)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`,
        registeredCapital: { minor: (1 + Math.floor(rng() * 500)) * 1_000_000_00, currency: 'CNY' },
      },
      classification: {
        industry,
        region: pick(rng, regions),
        nature: pick(rng, [
          'listed',
          'private_limited',
          'sino_foreign_jv',
          'wholly_foreign_owned',
          'state_owned',
        ]),
        status,
        standing: pick(rng, ['leader', 'influential', 'medium', 'small', 'other']),
        source: pick(rng, [
          'online',
          'advertising',
          'transactions',
          'associations',
          'sales_visits',
          'questionnaire',
          'agency',
          'other',
        ]),
      },
      people: [
        {
          role: 'main_contact',
          name: contactName,
          position: '采购经理',
          mobile: mobile(rng),
          hobbies: pick(rng, ['羽毛球', '围棋', '登山', '书法']),
        },
        { role: 'legal_person', name: personName(rng), position: '董事长', decisionMaker: true },
      ],
      business: { mainBusiness: industryName, creditRating: pick(rng, ['AAA', 'AA', 'A', 'BBB']) },
    },
  }));

  // contacts every 15–40 days; most by phone
  for (let t = createdAt + (5 + rng() * 20) * DAY; t < end; t += (15 + rng() * 25) * DAY) {
    const at = officeTime(rng, t);
    const c = rng();
    add(at, (state) => ({
      type: 'LogContact',
      actor: seniorFor(state),
      contactId: key('contact'),
      channel: c < 0.8 ? 'phone' : c < 0.95 ? 'visit' : 'other',
      contactedAt: new Date(at - HOUR).toISOString(),
      withWhom: contactName,
      summary: pick(rng, ['确认订单交期', '回访售后情况', '沟通年度框架协议', '了解新项目需求', '节日问候']),
    }));
  }
  // transactions for customers we deal with
  if (status === 'active' || status === 'paused')
    for (let t = createdAt + (10 + rng() * 30) * DAY; t < end; t += (30 + rng() * 60) * DAY) {
      const at = officeTime(rng, t);
      add(at, (state) => ({
        type: 'RecordTransaction',
        actor: seniorFor(state),
        transactionId: key('tx'),
        number: `HT-${new Date(at).getUTCFullYear()}-${String(i).padStart(4, '0')}-${n}`,
        occurredAt: new Date(at - 2 * HOUR).toISOString(),
        amount: {
          minor: Math.round((tier === 'A' ? 5e6 : tier === 'B' ? 1e6 : 2e5) * (0.3 + rng() * 2)) * 100,
          currency: 'CNY',
        },
        personInCharge: rep.name!,
        breachOfContract: rng() < 0.03,
        place: pick(rng, ['上海', '苏州', '线上']),
      }));
    }
  // new information, then the update that resolves it (most within a day, some late: the worker's findings)
  for (let t = createdAt + (20 + rng() * 60) * DAY; t < end; t += (60 + rng() * 90) * DAY) {
    const at = officeTime(rng, t);
    const receiptId = key('info');
    const lag = rng() < 0.8 ? (2 + rng() * 18) * HOUR : (26 + rng() * 48) * HOUR;
    add(at, (state) => ({
      type: 'RecordInformation',
      actor: seniorFor(state),
      receiptId,
      channel: pick(rng, ['phone', 'visit', 'email', 'trade_fair']),
      summary: pick(rng, ['客户地址变更', '客户更换开户行', '客户主营业务调整', '客户联系人变动']),
      receivedAt: new Date(at - HOUR).toISOString(),
    }));
    if (lag > DAY)
      add(at + DAY + HOUR, () => ({
        type: 'RecordFinding',
        actor: staff.system,
        finding: {
          type: 'UpdateSlaWarned',
          data: {
            receiptId,
            receivedAt: new Date(at - HOUR).toISOString(),
            deadline: new Date(at - HOUR + DAY).toISOString(),
          },
        },
      }));
    if (lag > 2 * DAY)
      add(at + 2 * DAY + HOUR, () => ({
        type: 'RecordFinding',
        actor: staff.system,
        finding: {
          type: 'UpdateSlaBreached',
          data: {
            receiptId,
            receivedAt: new Date(at - HOUR).toISOString(),
            deadline: new Date(at - HOUR + 2 * DAY).toISOString(),
          },
        },
      }));
    add(at + lag, (state) => {
      const o = open(state);
      if (!o) return undefined;
      const field = rng();
      const changes =
        field < 0.4
          ? {
              company: {
                address: `${o.profile.company.name.slice(0, 2)}市新区 ${Math.floor(rng() * 900) + 100} 号`,
              },
            }
          : field < 0.6
            ? {
                company: {
                  bankAccount: `6228 ${Math.floor(1000 + rng() * 8999)} ${Math.floor(1000 + rng() * 8999)} ${Math.floor(1000 + rng() * 8999)}`,
                },
              }
            : field < 0.8
              ? {
                  business: {
                    ...o.profile.business,
                    notes: `更新于 ${new Date(at).toISOString().slice(0, 10)}`,
                  },
                }
              : {
                  people: [
                    {
                      role: 'main_contact',
                      name: personName(rng),
                      position: '采购总监',
                      mobile: mobile(rng),
                    },
                  ],
                };
      return {
        type: 'UpdateArchive',
        actor: seniorFor(state),
        changes,
        reason: '根据新获取的客户信息更新',
        resolves: [receiptId],
      };
    });
  }
  // monthly cadence checks (a third of the archives): the worker's due / overdue findings
  if (rng() < 0.33)
    for (let t = createdAt + 30 * DAY; t < end; t += 30 * DAY)
      add(officeTime(rng, t), (state, at) => {
        const o = open(state);
        if (!o) return undefined;
        const dueOn = nextContactDue(defaultPolicyConfig, o, 'phone');
        const today = localDate(at, 'Asia/Shanghai');
        if (today < dueOn) return undefined;
        return {
          type: 'RecordFinding',
          actor: staff.system,
          finding: {
            type: today === dueOn ? 'ContactDue' : 'ContactOverdue',
            data: { channel: 'phone', dueOn, tier: o.tier },
          },
        };
      });
  // yearly full review
  add(officeTime(rng, createdAt + 365 * DAY), (_s, at) => ({
    type: 'RecordFinding',
    actor: staff.system,
    finding: { type: 'ReviewDue', data: { kind: 'yearly_full', dueOn: localDate(at, 'Asia/Shanghai') } },
  }));
  // tier reviews: a proposal by the worker, decided by a person a few days later
  for (let t = createdAt + 60 * DAY; t < end; t += 60 * DAY) {
    if (rng() > 0.15) continue;
    const at = officeTime(rng, t);
    const proposalId = key('proposal');
    let to: Tier | undefined;
    add(at, (state, when) => {
      const o = open(state);
      if (!o) return undefined;
      to = o.tier === 'A' ? 'B' : o.tier === 'C' ? 'B' : rng() < 0.5 ? 'A' : 'C';
      return {
        type: 'RecordFinding',
        actor: staff.system,
        finding: {
          type: 'TierChangeProposed',
          data: {
            proposalId,
            from: o.tier,
            to,
            rule: 'rank',
            periodEnd: localDate(when, 'Asia/Shanghai'),
            rank: 1 + Math.floor(rng() * 300),
            of: 300,
          },
        },
      };
    });
    add(at + (1 + rng() * 5) * DAY, (state) => {
      const o = open(state);
      if (!o || !to || to === o.tier) return undefined;
      return {
        type: 'ChangeTier',
        actor: o.secrecyLevel === 'secret' ? staff.marketingDirector : pick(rng, staff.marketingManagers),
        to,
        reason: '两个月一次的客户等级评审',
        evidence: '近12个月交易额排名',
        proposalId,
      };
    });
  }
  // a borrowing: requested, approved, lent, returned (sometimes late)
  if (rng() < 0.6) {
    const at = officeTime(rng, createdAt + (30 + rng() * 600) * DAY);
    const who = rng();
    const requester = who < 0.6 ? rep : who < 0.85 ? staff.salesManager : staff.otherDepartment;
    const approver =
      requester.role === 'other_department' ? staff.marketingDirector : staff.customerService[0]!;
    const borrowingId = key('borrow');
    add(at, () => ({
      type: 'RequestBorrow',
      actor: requester,
      borrowingId,
      purpose: pick(rng, ['准备年度合同谈判', '核对开票信息', '财务对账']),
    }));
    if (rng() < 0.1)
      add(at + 2 * HOUR, () => ({
        type: 'RejectBorrow',
        actor: approver,
        borrowingId,
        reason: '用途不充分',
      }));
    else {
      add(at + HOUR, () => ({ type: 'ApproveBorrow', actor: approver, borrowingId }));
      add(at + 1.5 * HOUR, () => ({ type: 'LendArchive', actor: staff.customerService[0]!, borrowingId }));
      const late = rng() < 0.15;
      if (late)
        add(at + DAY, (state) => {
          const o = open(state);
          const b = o?.borrowings[borrowingId];
          return b?.dueAt
            ? {
                type: 'RecordFinding',
                actor: staff.system,
                finding: { type: 'ReturnOverdue', data: { borrowingId, dueAt: b.dueAt } },
              }
            : undefined;
        });
      add(at + (late ? DAY + 2 * HOUR : 3 * HOUR), () => ({
        type: 'ReturnArchive',
        actor: staff.customerService[1]!,
        borrowingId,
        condition: rng() < 0.95 ? 'intact' : 'damaged',
      }));
      // the borrower reads the archive while it is lent
      add(at + 2 * HOUR, () => 'read');
    }
  }
  // an external disclosure: two approvals, then disclosed
  if (rng() < 0.06) {
    const at = officeTime(rng, createdAt + (60 + rng() * 500) * DAY);
    const disclosureId = key('disclosure');
    add(at, () => ({
      type: 'RequestDisclosure',
      actor: rep,
      disclosureId,
      recipient: '会计师事务所',
      purpose: '年度审计函证',
    }));
    add(at + DAY, () => ({ type: 'ApproveDisclosure', actor: staff.departmentHead, disclosureId }));
    add(at + DAY + 2 * HOUR, () => ({
      type: 'ApproveDisclosure',
      actor: staff.marketingDirector,
      disclosureId,
    }));
    add(at + 2 * DAY, () => ({ type: 'DiscloseArchive', actor: staff.customerService[0]!, disclosureId }));
  }
  // a handover when a rep leaves
  if (rng() < 0.1) {
    const to = pick(
      rng,
      staff.reps.filter((x) => x.id !== rep.id),
    );
    add(officeTime(rng, createdAt + (100 + rng() * 500) * DAY), () => ({
      type: 'ChangeCustodian',
      actor: staff.departmentHead,
      to: { id: to.id, name: to.name, department: to.department },
      reason: '原业务员离职，档案移交',
      signedOffBy: [
        { id: staff.departmentHead.id, role: 'department_head', name: staff.departmentHead.name },
        { id: staff.customerService[0]!.id, role: 'customer_service', name: staff.customerService[0]!.name },
      ],
    }));
  }
  // a secrecy change by customer service
  if (rng() < 0.05)
    add(officeTime(rng, createdAt + (50 + rng() * 500) * DAY), (state) => {
      const o = open(state);
      if (!o) return undefined;
      return {
        type: 'ChangeSecrecyLevel',
        actor: staff.customerService[0]!,
        to: o.secrecyLevel === 'internal' ? 'confidential' : 'internal',
        reason: '客户要求提高保密等级',
      };
    });
  // a hold, placed and later released
  if (rng() < 0.04) {
    const at = officeTime(rng, createdAt + (80 + rng() * 400) * DAY);
    const holdId = key('hold');
    add(at, () => ({
      type: 'PlaceHold',
      actor: staff.auditor,
      holdId,
      kind: pick(rng, ['legal', 'audit', 'dispute']),
      reason: '年度审计抽查',
    }));
    add(at + (10 + rng() * 60) * DAY, () => ({
      type: 'ReleaseHold',
      actor: staff.auditor,
      holdId,
      reason: '审计结束',
    }));
  }
  // destruction of some potential customers with no agreement and no retention value
  if (status === 'potential' && rng() < 0.25) {
    const at = officeTime(rng, createdAt + (400 + rng() * 150) * DAY);
    const destructionId = key('destruction');
    add(at, (state) =>
      open(state)?.agreementReached
        ? undefined
        : {
            type: 'RequestDestruction',
            actor: staff.customerService[0]!,
            destructionId,
            reason: '未达成协议且无保存价值',
            basis: 'no_agreement',
          },
    );
    add(at + DAY, () => ({ type: 'ApproveDestruction', actor: staff.departmentHead, destructionId }));
    add(at + 3 * DAY, () => ({
      type: 'ExecuteDestruction',
      actor: staff.customerService[1]!,
      destructionId,
      witnesses: [
        { id: staff.auditor.id, name: staff.auditor.name },
        { id: staff.marketingDirector.id, name: staff.marketingDirector.name },
      ],
      method: 'crypto-shredding (data key destroyed)',
    }));
  }
  // detail reads now and then
  for (let t = createdAt + 40 * DAY; t < end; t += (90 + rng() * 120) * DAY)
    add(officeTime(rng, t), () => 'read');
  return { id, actions };
};

/**
 * `--demo`: a realistic company — a few hundred archives with two years of history across every event type,
 * through the command handler with a clock that moves through those two years (so events are recorded when
 * they happened, and as-of replay shows the past). Day by day, the archives of one day run concurrently.
 */
export const loadDemoData = async (dossier: Dossier, options: DemoOptions = {}): Promise<DemoSummary> => {
  const archives = options.archives ?? 300;
  const now = (options.now ?? new Date()).getTime();
  const rng = seeded(options.seed ?? 20260301);
  const firstDay = zonedInstant(
    localDate(new Date(now - (options.days ?? 730) * DAY), 'Asia/Shanghai'),
    '00:00',
    'Asia/Shanghai',
  ).getTime();
  const plans = Array.from({ length: archives }, (_, i) => planArchive(rng, i, firstDay, now));
  const byDay = new Map<number, Action[]>();
  for (const p of plans)
    for (const a of p.actions) {
      const day = Math.floor((a.at - firstDay) / DAY);
      byDay.set(day, [...(byDay.get(day) ?? []), a]);
    }
  const handler: CommandHandler = commandHandler({
    store: dossier.events,
    keys: dossier.keys,
    clock: dossier.clock,
    config: dossier.config,
  });
  const states: ArchiveState[] = plans.map(() => ({ status: 'none' }));
  const eventTypes: Record<string, number> = {};
  let commands = 0;
  let refused = 0;
  let reads = 0;
  const days = [...byDay.keys()].sort((a, b) => a - b);
  try {
    for (const day of days) {
      const actions = byDay.get(day)!.sort((a, b) => a.at - b.at);
      // recorded at the end of the day (never in the future): every event of the day is recorded after it happened
      dossier.clock.pin(new Date(Math.min(firstDay + (day + 1) * DAY - 1000, now)));
      const perArchive = new Map<number, Action[]>();
      for (const a of actions) perArchive.set(a.archive, [...(perArchive.get(a.archive) ?? []), a]);
      await Promise.all(
        [...perArchive.entries()].map(async ([i, list]) => {
          for (const [k, a] of list.entries()) {
            const at = new Date(a.at).toISOString();
            const built = a.build(states[i]!, at);
            // a destroyed archive keeps only its reads
            if (built === undefined || (states[i]!.status === 'destroyed' && built !== 'read')) continue;
            const archiveId = plans[i]!.id;
            if (built === 'read') {
              if (states[i]!.status === 'none') continue;
              const reader = pick(rng, [staff.auditor, staff.marketingDirector, staff.customerService[0]!]);
              const e = archiveReadEvent(reader, archiveId, `role:${reader.role}`, at, 'demo');
              await dossier.events.append(readLogStream(archiveId), [e], 'any');
              reads += 1;
              eventTypes.ArchiveRead = (eventTypes.ArchiveRead ?? 0) + 1;
              continue;
            }
            const res = await handler.execute({
              ...built,
              commandId: `${archiveId}:${a.at}:${k}`,
              archiveId,
              issuedAt: at,
            });
            commands += 1;
            if (res._tag === 'Left') {
              refused += 1;
              if (refused <= 5)
                options.onProgress?.(
                  `demo: ${built.type} on ${archiveId} refused: ${JSON.stringify(res.left, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
                );
              continue;
            }
            states[i] = res.right.state;
            for (const e of res.right.events) eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
          }
        }),
      );
      if (day % 90 === 0)
        options.onProgress?.(
          `demo: ${new Date(firstDay + day * DAY).toISOString().slice(0, 10)} · ${commands} commands`,
        );
    }
  } finally {
    dossier.clock.pin(undefined);
  }
  return {
    archives,
    commands,
    refused,
    reads,
    eventTypes,
    from: new Date(firstDay).toISOString(),
    to: new Date(now).toISOString(),
  };
};
