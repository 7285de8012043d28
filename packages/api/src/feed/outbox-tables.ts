import type { ReadDb } from '../compose';

/** The webhook tables, in the read-model database (kysely: SQLite or PostgreSQL). */
export const T = {
  subscriptions: 'feed_subscriptions',
  deliveries: 'feed_deliveries',
  attempts: 'feed_delivery_attempts',
  dispatch: 'feed_dispatch',
} as const;

/** The dispatcher's checkpoint row. */
export const DISPATCHER = 'webhooks';

export const createOutboxTables = async (db: ReadDb): Promise<void> => {
  await db.schema
    .createTable(T.subscriptions)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    // JSON array of domain types; [] = every type
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('archive_id', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // JSON: the actor who subscribed (whose rights the scope was checked against)
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'text')
    // active | paused (retries exhausted: still queued, not sent) | disabled (410 or by hand: nothing queued)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('starts_after', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(T.deliveries)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('archive_id', 'text', (c) => c.notNull())
    // pending | delivered | failed (its retries exhausted)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // failures since it was (re)queued: picks the retry delay
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex(`${T.deliveries}_sub_position`)
    .ifNotExists()
    .unique()
    .on(T.deliveries)
    .columns(['subscription_id', 'position'])
    .execute();
  await db.schema
    .createIndex(`${T.deliveries}_due`)
    .ifNotExists()
    .on(T.deliveries)
    .columns(['status', 'subscription_id', 'position'])
    .execute();
  await db.schema
    .createTable(T.attempts)
    .ifNotExists()
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('signatures', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${T.attempts}_pk`, ['delivery_id', 'attempt'])
    .execute();
  await db.schema
    .createTable(T.dispatch)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute();
};
