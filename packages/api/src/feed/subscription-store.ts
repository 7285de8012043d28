import { randomUUID } from 'node:crypto';
import type { Actor, EventType } from '@dossier/core';
import type { ReadDb } from '../compose';
import type { FeedScope } from './feed-scopes';
import { DISPATCHER, T } from './outbox-tables';

export type SubscriptionStatus = 'active' | 'paused' | 'disabled';

export interface Subscription {
  readonly id: string;
  readonly url: string;
  /** Empty: every type. */
  readonly types: readonly EventType[];
  readonly archiveId?: string;
  readonly scopes: readonly FeedScope[];
  readonly description?: string;
  readonly owner: Actor;
  readonly secret: string;
  readonly previousSecret?: string;
  readonly previousSecretUntil?: string;
  readonly status: SubscriptionStatus;
  readonly statusReason?: string;
  /** The subscription receives the events after this position. */
  readonly startsAfter: bigint;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewSubscription {
  readonly url: string;
  readonly types: readonly EventType[];
  readonly archiveId?: string;
  readonly scopes: readonly FeedScope[];
  readonly description?: string;
  readonly owner: Actor;
  readonly secret: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = Record<string, any>;

export const subscriptionOf = (r: Row): Subscription => ({
  id: r.id,
  url: r.url,
  types: JSON.parse(r.types) as EventType[],
  ...(r.archive_id ? { archiveId: r.archive_id } : {}),
  scopes: (r.scope as string).split(' ') as FeedScope[],
  ...(r.description ? { description: r.description } : {}),
  owner: JSON.parse(r.owner) as Actor,
  secret: r.secret,
  ...(r.previous_secret
    ? { previousSecret: r.previous_secret, previousSecretUntil: r.previous_secret_until }
    : {}),
  status: r.status,
  ...(r.status_reason ? { statusReason: r.status_reason } : {}),
  startsAfter: BigInt(r.starts_after),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Take the dispatcher's checkpoint row for the rest of the transaction (a no-op write: SQLite's write lock,
 * PostgreSQL's row lock) and read it. A subscription starts at the checkpoint read under that lock, so the
 * dispatcher either enqueued a page before it existed (its events are not the subscription's) or sees it.
 */
export const lockCheckpoint = async (trx: ReadDb): Promise<bigint> => {
  await trx
    .updateTable(T.dispatch)
    .set((eb: any) => ({ position: eb.ref('position') }))
    .where('name', '=', DISPATCHER)
    .execute();
  const row = await trx
    .selectFrom(T.dispatch)
    .select('position')
    .where('name', '=', DISPATCHER)
    .executeTakeFirst();
  if (!row) throw new Error('the webhook dispatcher has no checkpoint yet');
  return BigInt(row.position);
};

/** Subscriptions in the read-model database. */
export class SubscriptionStore {
  constructor(private readonly db: ReadDb) {}

  /** The dispatcher's checkpoint; a first start begins at the head of the log (no history to send anyone). */
  async ensureCheckpoint(head: bigint): Promise<void> {
    await this.db
      .insertInto(T.dispatch)
      .values({ name: DISPATCHER, position: head.toString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  async create(s: NewSubscription, now: string): Promise<Subscription> {
    const id = `sub_${randomUUID().replace(/-/g, '')}`;
    await this.db.transaction().execute(async (trx) => {
      const startsAfter = await lockCheckpoint(trx);
      await trx
        .insertInto(T.subscriptions)
        .values({
          id,
          url: s.url,
          types: JSON.stringify(s.types),
          archive_id: s.archiveId ?? null,
          scope: s.scopes.join(' '),
          description: s.description ?? null,
          owner: JSON.stringify(s.owner),
          owner_id: s.owner.id,
          secret: s.secret,
          previous_secret: null,
          previous_secret_until: null,
          status: 'active',
          status_reason: null,
          starts_after: startsAfter.toString(),
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom(T.subscriptions).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? subscriptionOf(row) : undefined;
  }

  async listOf(ownerId: string): Promise<Subscription[]> {
    const rows = await this.db
      .selectFrom(T.subscriptions)
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(subscriptionOf);
  }

  /** Subscriptions the dispatcher queues events for (paused ones too: they resume without a gap). */
  async queued(trx: ReadDb): Promise<Subscription[]> {
    const rows = await trx
      .selectFrom(T.subscriptions)
      .selectAll()
      .where('status', '!=', 'disabled')
      .execute();
    return rows.map(subscriptionOf);
  }

  /** The subscription, its deliveries and their attempts: gone. */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom(T.attempts)
        .where('delivery_id', 'in', (eb: any) =>
          eb.selectFrom(T.deliveries).select('id').where('subscription_id', '=', id),
        )
        .execute();
      await trx.deleteFrom(T.deliveries).where('subscription_id', '=', id).execute();
      await trx.deleteFrom(T.subscriptions).where('id', '=', id).execute();
    });
  }

  /** A new secret signs from now on; the previous one also signs until `until`. */
  async rotate(id: string, secret: string, until: string, now: string): Promise<void> {
    await this.db
      .updateTable(T.subscriptions)
      .set((eb: any) => ({
        previous_secret: eb.ref('secret'),
        previous_secret_until: until,
        secret,
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
  }

  async setStatus(trx: ReadDb, id: string, status: SubscriptionStatus, reason: string | null, now: string) {
    await trx
      .updateTable(T.subscriptions)
      .set({ status, status_reason: reason, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Active again. A paused subscription resumes where it stopped (its failed delivery first); a disabled one
   * had nothing queued meanwhile, so it starts again after the dispatcher's checkpoint.
   */
  async enable(id: string, now: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom(T.subscriptions)
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.status === 'active') return;
      if (row.status === 'disabled') {
        const startsAfter = await lockCheckpoint(trx);
        await trx
          .updateTable(T.subscriptions)
          .set({ starts_after: startsAfter.toString() })
          .where('id', '=', id)
          .execute();
      } else
        await trx
          .updateTable(T.deliveries)
          .set({ status: 'pending', failures: 0, next_attempt_at: now })
          .where('subscription_id', '=', id)
          .where('status', '=', 'failed')
          .execute();
      await this.setStatus(trx, id, 'active', null, now);
    });
  }
}
