import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { DeliveryStore } from './delivery-store';
import { FeedEventsService } from './feed-events.service';
import type { FeedSettings } from './feed-settings';
import { FEED_SETTINGS } from './feed-tokens';
import { createOutboxTables } from './outbox-tables';
import { SubscriptionStore } from './subscription-store';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSender } from './webhook-sender';

/** A loop that runs `step` until it reports no more work, then sleeps `pollMs` or until woken. */
const loop = (step: () => Promise<boolean>, pollMs: number, onError: (e: Error) => void) => {
  let running = true;
  // a wake-up while a step runs is kept, so that the loop looks again at once instead of sleeping
  let woken = false;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (running) {
      woken = false;
      let more = false;
      try {
        more = await step();
      } catch (e) {
        onError(e as Error);
      }
      if (!running) break;
      if (more || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, pollMs);
        function finish() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = finish;
      });
    }
  })();
  return {
    wake: () => {
      woken = true;
      wake?.();
    },
    stop: async () => {
      running = false;
      wake?.();
      await done;
    },
  };
};

/**
 * Webhooks: the tables, the dispatcher (log → outbox) and the sender (outbox → receivers). The API process
 * that runs them calls `start()` (main.ts); every API process can manage subscriptions.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit, OnModuleDestroy {
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  private readonly dispatcher: WebhookDispatcher;
  private readonly sender: WebhookSender;
  private loops: ReturnType<typeof loop>[] = [];

  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    @Inject(FeedEventsService) events: FeedEventsService,
  ) {
    this.subscriptions = new SubscriptionStore(dossier.readDb);
    this.deliveries = new DeliveryStore(dossier.readDb);
    this.dispatcher = new WebhookDispatcher(
      dossier.events,
      dossier.readDb,
      this.subscriptions,
      this.deliveries,
      settings.batchSize,
    );
    this.sender = new WebhookSender(
      dossier.events,
      dossier.readDb,
      this.subscriptions,
      this.deliveries,
      events,
      settings,
      () => this.wake(),
    );
  }

  async onModuleInit(): Promise<void> {
    await createOutboxTables(this.dossier.readDb);
    await this.subscriptions.ensureCheckpoint(await this.dossier.events.headPosition());
    if (this.settings.runDispatcher) this.start();
  }

  get running(): boolean {
    return this.loops.length > 0;
  }

  /** Start the dispatcher and the sender in this process (idempotent). */
  start(): void {
    if (this.running) return;
    const log = (what: string) => (e: Error) => console.error(`[dossier] webhook ${what}: ${e.message}`);
    const sending = loop(async () => (await this.sender.startDue()) > 0, this.settings.pollMs, log('sender'));
    const dispatching = loop(
      async () => {
        const { read, queued } = await this.dispatcher.dispatchPage(new Date().toISOString());
        if (queued > 0) sending.wake();
        return read === this.settings.batchSize;
      },
      this.settings.pollMs,
      log('dispatcher'),
    );
    this.loops = [dispatching, sending];
  }

  /** Look for work now (after a subscription changed, a redelivery, or an ended delivery). */
  wake(): void {
    for (const l of this.loops) l.wake();
  }

  async stop(): Promise<void> {
    const loops = this.loops;
    this.loops = [];
    await Promise.all(loops.map((l) => l.stop()));
    await this.sender.drain(this.settings.deliveryTimeoutMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }
}
