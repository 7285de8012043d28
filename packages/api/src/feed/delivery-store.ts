import { randomUUID } from 'node:crypto';
import type { ReadDb } from '../compose';
import { T } from './outbox-tables';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = Record<string, any>;

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  /** Also the `webhook-id`: the same on every attempt, so that the receiver can drop repeats. */
  readonly id: string;
  readonly subscriptionId: string;
  readonly position: bigint;
  readonly eventId: string;
  readonly eventType: string;
  readonly archiveId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly failures: number;
  readonly nextAttemptAt: string;
  readonly createdAt: string;
  readonly deliveredAt?: string;
  readonly lastStatus?: number;
  readonly lastError?: string;
}

export interface Attempt {
  readonly attempt: number;
  readonly at: string;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
  /** How many signatures the request carried (2 during a secret rotation). */
  readonly signatures: number;
}

export interface NewDelivery {
  readonly subscriptionId: string;
  readonly position: bigint;
  readonly eventId: string;
  readonly eventType: string;
  readonly archiveId: string;
}

const deliveryOf = (r: Row): Delivery => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  position: BigInt(r.position),
  eventId: r.event_id,
  eventType: r.event_type,
  archiveId: r.archive_id,
  status: r.status,
  attempts: Number(r.attempts),
  failures: Number(r.failures),
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
  ...(r.last_status !== null && r.last_status !== undefined ? { lastStatus: Number(r.last_status) } : {}),
  ...(r.last_error ? { lastError: r.last_error } : {}),
});

const attemptOf = (r: Row): Attempt => ({
  attempt: Number(r.attempt),
  at: r.at,
  ...(r.status !== null && r.status !== undefined ? { status: Number(r.status) } : {}),
  ...(r.error ? { error: r.error } : {}),
  durationMs: Number(r.duration_ms),
  signatures: Number(r.signatures),
});

const CHUNK = 1000; // rows per INSERT (11 parameters each: below both databases' limits)

/** The outbox: one delivery per (subscription, event), each attempt logged. */
export class DeliveryStore {
  constructor(private readonly db: ReadDb) {}

  /** Inside the dispatcher's transaction, with its checkpoint. */
  async enqueue(trx: ReadDb, deliveries: readonly NewDelivery[], now: string): Promise<void> {
    for (let i = 0; i < deliveries.length; i += CHUNK)
      await trx
        .insertInto(T.deliveries)
        .values(
          deliveries.slice(i, i + CHUNK).map((d) => ({
            id: `msg_${randomUUID().replace(/-/g, '')}`,
            subscription_id: d.subscriptionId,
            position: d.position.toString(),
            event_id: d.eventId,
            event_type: d.eventType,
            archive_id: d.archiveId,
            status: 'pending',
            attempts: 0,
            failures: 0,
            next_attempt_at: now,
            created_at: now,
            delivered_at: null,
            last_status: null,
            last_error: null,
          })),
        )
        .onConflict((oc) => oc.columns(['subscription_id', 'position']).doNothing())
        .execute();
  }

  /**
   * The head of each active subscription's line — its lowest pending delivery — when it is due. A later
   * delivery never overtakes an earlier one of the same subscription.
   */
  async due(now: string, limit: number): Promise<Delivery[]> {
    const heads = this.db
      .selectFrom(T.deliveries)
      .select(['subscription_id', (eb: any) => eb.fn.min('position').as('head')])
      .where('status', '=', 'pending')
      .groupBy('subscription_id')
      .as('h');
    const rows = await this.db
      .selectFrom(T.deliveries + ' as d')
      .innerJoin(heads, (j: any) =>
        j.onRef('h.subscription_id', '=', 'd.subscription_id').onRef('h.head', '=', 'd.position'),
      )
      .innerJoin(T.subscriptions + ' as s', 's.id', 'd.subscription_id')
      .selectAll('d')
      .where('s.status', '=', 'active')
      .where('d.next_attempt_at', '<=', now)
      .orderBy('d.next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map(deliveryOf);
  }

  /** The earliest moment a queued delivery falls due (to sleep until then). */
  async nextDueAt(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom(T.deliveries + ' as d')
      .innerJoin(T.subscriptions + ' as s', 's.id', 'd.subscription_id')
      .select((eb: any) => eb.fn.min('d.next_attempt_at').as('at'))
      .where('d.status', '=', 'pending')
      .where('s.status', '=', 'active')
      .executeTakeFirst();
    return ((row as Row | undefined)?.at as string | null | undefined) ?? undefined;
  }

  async get(subscriptionId: string, id: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom(T.deliveries)
      .selectAll()
      .where('id', '=', id)
      .where('subscription_id', '=', subscriptionId)
      .executeTakeFirst();
    return row ? deliveryOf(row) : undefined;
  }

  /**
   * Take the delivery for one attempt: compare-and-set on its attempt count, and a lease (`next_attempt_at`
   * moved past the attempt's longest duration) so that no other sender — a stale read of this one, or another
   * process — sends it meanwhile. False when someone else took it, or it is no longer pending.
   */
  async claim(d: Delivery, now: string, leaseUntil: string): Promise<boolean> {
    const res = await this.db
      .updateTable(T.deliveries)
      .set({ attempts: d.attempts + 1, next_attempt_at: leaseUntil })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', d.attempts)
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** One attempt (claimed before) and its outcome, in one transaction; nothing when the delivery is gone. */
  async recordAttempt(
    trx: ReadDb,
    d: Delivery,
    attempt: Omit<Attempt, 'attempt'>,
    outcome:
      | { readonly status: 'delivered'; readonly at: string }
      | { readonly status: 'pending'; readonly nextAttemptAt: string }
      | { readonly status: 'failed' },
  ): Promise<void> {
    const number = d.attempts + 1;
    const ok = outcome.status === 'delivered';
    const updated = await trx
      .updateTable(T.deliveries)
      .set({
        status: outcome.status,
        failures: ok ? 0 : d.failures + 1,
        ...(outcome.status === 'pending' ? { next_attempt_at: outcome.nextAttemptAt } : {}),
        ...(ok ? { delivered_at: outcome.at } : {}),
        last_status: attempt.status ?? null,
        last_error: attempt.error ?? null,
      })
      .where('id', '=', d.id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return;
    await trx
      .insertInto(T.attempts)
      .values({
        delivery_id: d.id,
        attempt: number,
        at: attempt.at,
        status: attempt.status ?? null,
        error: attempt.error ?? null,
        duration_ms: attempt.durationMs,
        signatures: attempt.signatures,
      })
      .execute();
  }

  /** Queue it again at once (a delivered one too: the receiver asked for it), at the head of its line. */
  async requeue(id: string, now: string): Promise<void> {
    await this.db
      .updateTable(T.deliveries)
      .set({ status: 'pending', failures: 0, next_attempt_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** The delivery log, newest first, with every attempt. */
  async list(
    subscriptionId: string,
    q: { limit: number; before?: bigint; status?: DeliveryStatus },
  ): Promise<{ deliveries: (Delivery & { attemptLog: Attempt[] })[]; next?: string }> {
    let query = this.db.selectFrom(T.deliveries).selectAll().where('subscription_id', '=', subscriptionId);
    if (q.before !== undefined) query = query.where('position', '<', q.before.toString());
    if (q.status) query = query.where('status', '=', q.status);
    const rows = (
      await query
        .orderBy('position', 'desc')
        .limit(q.limit + 1)
        .execute()
    ).map(deliveryOf);
    const page = rows.slice(0, q.limit);
    const ids = page.map((d) => d.id);
    const attempts = ids.length
      ? await this.db
          .selectFrom(T.attempts)
          .selectAll()
          .where('delivery_id', 'in', ids)
          .orderBy('delivery_id')
          .orderBy('attempt')
          .execute()
      : [];
    const byDelivery = new Map<string, Attempt[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.delivery_id as string) ?? [];
      list.push(attemptOf(a));
      byDelivery.set(a.delivery_id as string, list);
    }
    return {
      deliveries: page.map((d) => ({ ...d, attemptLog: byDelivery.get(d.id) ?? [] })),
      ...(rows.length > q.limit ? { next: page.at(-1)!.position.toString() } : {}),
    };
  }
}
