import type { EventStore, RecordedEvent } from '@dossier/core';
import { ARCHIVE_STREAM_PREFIX } from '@dossier/core';
import type { ReadDb } from '../compose';
import { archiveIdOf } from './cloud-event';
import type { DeliveryStore, NewDelivery } from './delivery-store';
import { DISPATCHER, T } from './outbox-tables';
import type { Subscription, SubscriptionStore } from './subscription-store';

const matches = (s: Subscription, r: RecordedEvent, archiveId: string): boolean =>
  r.position > s.startsAfter &&
  (s.types.length === 0 || (s.types as readonly string[]).includes(r.type)) &&
  (s.archiveId === undefined || s.archiveId === archiveId);

/**
 * Log → outbox. Reads the global log from its checkpoint, and in ONE transaction moves the checkpoint and
 * queues one delivery per matching subscription: a crash leaves either both or neither. The checkpoint moves
 * only from the value this dispatcher read (compare-and-set), so a second dispatcher (another process) never
 * queues a page twice.
 */
export class WebhookDispatcher {
  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly db: ReadDb,
    private readonly subscriptions: SubscriptionStore,
    private readonly deliveries: DeliveryStore,
    private readonly batchSize: number,
  ) {}

  /** One page; answers how many events it read and how many deliveries it queued. */
  async dispatchPage(now: string): Promise<{ read: number; queued: number }> {
    const row = await this.db
      .selectFrom(T.dispatch)
      .select('position')
      .where('name', '=', DISPATCHER)
      .executeTakeFirst();
    if (!row) return { read: 0, queued: 0 };
    const from = BigInt(row.position);
    const page = await this.store.readAll({
      after: from,
      limit: this.batchSize,
      streamPrefix: ARCHIVE_STREAM_PREFIX,
    });
    if (page.length === 0) return { read: 0, queued: 0 };
    const to = page.at(-1)!.position;
    let queued = 0;
    await this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable(T.dispatch)
        .set({ position: to.toString() })
        .where('name', '=', DISPATCHER)
        .where('position', '=', from.toString())
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return; // another dispatcher took this page
      const subs = await this.subscriptions.queued(trx);
      if (subs.length === 0) return;
      const rows: NewDelivery[] = [];
      for (const r of page) {
        const archiveId = archiveIdOf(r);
        if (archiveId === undefined) continue;
        for (const s of subs)
          if (matches(s, r, archiveId))
            rows.push({
              subscriptionId: s.id,
              position: r.position,
              eventId: r.eventId,
              eventType: r.type,
              archiveId,
            });
      }
      await this.deliveries.enqueue(trx, rows, now);
      queued = rows.length;
    });
    return { read: page.length, queued };
  }
}
