import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '@dossier/core';

/** The event both sides write: the raw baseline stores exactly these columns, unhashed and unchecked. */
export const benchEvent = (n: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'ContactLogged',
  schemaVersion: 1,
  data: {
    contactId: randomUUID(),
    channel: 'phone',
    at: '2026-03-02T01:00:00.000Z',
    withWhom: { $pii: 'q3VxZ1RrY2tqYXNkZmxrajEyMzQ1Njc4OTBhYmNkZWY=' },
    by: { id: 'rep-1', name: '李明', department: 'marketing' },
    summary: `确认二季度订单 #${n}`,
  },
  metadata: {
    actor: { id: 'rep-1', role: 'sales_rep', department: 'marketing', name: '李明' },
    occurredAt: '2026-03-02T01:00:00.000Z',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    commandId: randomUUID(),
  },
});

/** How many events a workload wrote or read, and how long it took; summed over rounds. */
export interface Sample {
  readonly events: number;
  readonly seconds: number;
}

export const rate = (samples: readonly Sample[]): number =>
  samples.reduce((n, s) => n + s.events, 0) / samples.reduce((t, s) => t + s.seconds, 0);

export const timed = async (events: number, work: () => unknown): Promise<Sample> => {
  const start = process.hrtime.bigint();
  await work();
  return { events, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
};

export const envNumber = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v.replace(/_/g, ''));
};
