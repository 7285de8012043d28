import type { EventStore, RecordedEvent } from '@dossier/core';
import type { ReadDb } from '../compose';
import type { CloudEventBuilder, Disclosure } from './cloud-event';
import type { Delivery, DeliveryStore } from './delivery-store';
import type { FeedEventsService } from './feed-events.service';
import type { FeedSettings } from './feed-settings';
import { retryDelay } from './retry-schedule';
import type { Subscription, SubscriptionStore } from './subscription-store';
import { signatureHeader } from './webhook-signature';

export const WEBHOOK_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
const USER_AGENT = 'Dossier-Webhooks/0.1 (+Standard Webhooks)';

/** Read at most `max` characters of a response body (enough for the delivery log), then let it go. */
const bodySnippet = async (res: Response, max = 200): Promise<string> => {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, max);
};

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
export const signingSecrets = (s: Subscription, now: Date): string[] =>
  s.previousSecret && s.previousSecretUntil && s.previousSecretUntil > now.toISOString()
    ? [s.secret, s.previousSecret]
    : [s.secret];

/**
 * Outbox → receivers. One delivery at a time per subscription, always the lowest pending position: event n + 1
 * is never sent before n was acknowledged (2xx). A failure is retried on the schedule, with jitter; 410 Gone
 * disables the subscription; a delivery whose retries run out pauses it (its events keep queueing). Every
 * attempt is logged.
 */
export class WebhookSender {
  private readonly inFlight = new Set<string>();
  private readonly disclosures = new Map<string, Disclosure>();

  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly db: ReadDb,
    private readonly subscriptions: SubscriptionStore,
    private readonly deliveries: DeliveryStore,
    private readonly events: Pick<FeedEventsService, 'disclosure'> & { readonly builder: CloudEventBuilder },
    private readonly settings: FeedSettings,
    private readonly onSettled: () => void,
  ) {}

  get busy(): number {
    return this.inFlight.size;
  }

  /** Start what is due, up to the concurrency; answers how many were started. */
  async startDue(): Promise<number> {
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const due = await this.deliveries.due(new Date().toISOString(), free + this.inFlight.size);
    let started = 0;
    for (const d of due) {
      if (this.inFlight.size >= this.settings.concurrency) break;
      if (this.inFlight.has(d.subscriptionId)) continue;
      this.inFlight.add(d.subscriptionId);
      started++;
      void this.deliver(d)
        .catch((e: unknown) => console.error(`[dossier] webhook delivery ${d.id}: ${(e as Error).message}`))
        .finally(() => {
          this.inFlight.delete(d.subscriptionId);
          this.onSettled();
        });
    }
    return started;
  }

  /** Wait for the deliveries under way (shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }

  private async eventAt(d: Delivery): Promise<RecordedEvent | undefined> {
    const [r] = await this.store.readAll({ after: d.position - 1n, limit: 1 });
    return r && r.position === d.position && r.eventId === d.eventId ? r : undefined;
  }

  private disclosureFor(s: Subscription): Disclosure {
    let d = this.disclosures.get(s.id);
    if (!d) {
      d = this.events.disclosure(s.owner, `webhook:${s.id}`, 'webhook delivery');
      this.disclosures.set(s.id, d);
    }
    return d;
  }

  private async deliver(d: Delivery): Promise<void> {
    const s = await this.subscriptions.get(d.subscriptionId);
    if (!s || s.status !== 'active') return;
    const started = new Date();
    const lease = new Date(started.getTime() + this.settings.deliveryTimeoutMs + 60_000);
    if (!(await this.deliveries.claim(d, started.toISOString(), lease.toISOString()))) return;
    const recorded = await this.eventAt(d);
    if (!recorded) {
      await this.settle(d, s, started, { error: `event ${d.eventId} is not at position ${d.position}` }, 0);
      return;
    }
    let body: string;
    try {
      // built at sending time: nothing personal waits in the outbox, and a destroyed archive's values are gone
      body = JSON.stringify(await this.events.builder.build(recorded, s.scopes, this.disclosureFor(s)));
    } catch (e) {
      await this.settle(d, s, started, { error: `not sent: ${(e as Error).message}` }, 0);
      return;
    }
    const timestamp = Math.floor(started.getTime() / 1000);
    const secrets = signingSecrets(s, started);
    let status: number | undefined;
    let error: string | undefined;
    try {
      const res = await fetch(s.url, {
        method: 'POST',
        headers: {
          'content-type': WEBHOOK_CONTENT_TYPE,
          'user-agent': USER_AGENT,
          'webhook-id': d.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(secrets, d.id, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.deliveryTimeoutMs),
      });
      status = res.status;
      const snippet = await bodySnippet(res);
      if (status < 200 || status >= 300) error = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      error =
        err.name === 'TimeoutError'
          ? `no answer within ${this.settings.deliveryTimeoutMs} ms`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
    await this.settle(
      d,
      s,
      started,
      { ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}) },
      secrets.length,
    );
  }

  private async settle(
    d: Delivery,
    s: Subscription,
    started: Date,
    result: { status?: number; error?: string },
    signatures: number,
  ): Promise<void> {
    const now = new Date();
    const attempt = {
      at: started.toISOString(),
      durationMs: now.getTime() - started.getTime(),
      signatures,
      ...result,
    };
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300 && !result.error;
    const delay = ok
      ? undefined
      : retryDelay(this.settings.retrySchedule, d.failures + 1, this.settings.retryJitter);
    await this.db.transaction().execute(async (trx) => {
      if (ok) {
        await this.deliveries.recordAttempt(trx, d, attempt, { status: 'delivered', at: now.toISOString() });
        return;
      }
      if (result.status === 410) {
        await this.deliveries.recordAttempt(trx, d, attempt, {
          status: 'pending',
          nextAttemptAt: now.toISOString(),
        });
        await this.subscriptions.setStatus(
          trx,
          s.id,
          'disabled',
          `410 Gone from ${s.url}`,
          now.toISOString(),
        );
        return;
      }
      if (delay === undefined) {
        await this.deliveries.recordAttempt(trx, d, attempt, { status: 'failed' });
        await this.subscriptions.setStatus(
          trx,
          s.id,
          'paused',
          `delivery ${d.id} failed ${d.failures + 1} times in a row (last: ${result.error ?? 'error'})`,
          now.toISOString(),
        );
        return;
      }
      await this.deliveries.recordAttempt(trx, d, attempt, {
        status: 'pending',
        nextAttemptAt: new Date(now.getTime() + delay).toISOString(),
      });
    });
  }
}
