import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@dossier/core';
import { toValidationError } from '@dossier/core';
import type * as t from 'io-ts';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import { problems } from '../http/problem';
import { CurrentActor } from '../identity/auth.guard';
import { QueryDoc } from '../queries/query-docs';
import { parseQuery } from '../queries/query-codecs';
import { DeliveriesQuery, SubscriptionBody, parseTypes, parseUrl } from './feed-codecs';
import { parseScopes, requireFeedAccess } from './feed-scopes';
import type { FeedSettings } from './feed-settings';
import { FEED_SETTINGS } from './feed-tokens';
import type { Subscription } from './subscription-store';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { newWebhookSecret } from './webhook-signature';

const parseBody = <C extends t.Mixed>(codec: C, body: unknown): t.TypeOf<C> => {
  const res = codec.decode(body ?? {});
  if (res._tag === 'Left') {
    const err = toValidationError(res.left, 'body');
    throw problems.badRequest(err.message, err.errors);
  }
  return res.right as t.TypeOf<C>;
};

/** A subscription as answered: never its secrets (only creation and rotation show the new one, once). */
const view = (s: Subscription) => ({
  id: s.id,
  url: s.url,
  types: s.types,
  ...(s.archiveId ? { archive: s.archiveId } : {}),
  scope: s.scopes.join(' '),
  ...(s.description ? { description: s.description } : {}),
  status: s.status,
  ...(s.statusReason ? { statusReason: s.statusReason } : {}),
  startsAfter: s.startsAfter.toString(),
  ...(s.previousSecretUntil ? { previousSecretValidUntil: s.previousSecretUntil } : {}),
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

/** Webhook subscriptions: register, list, delete, rotate the secret, the delivery log, redelivery. */
@ApiTags('feed')
@ApiBearerAuth()
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(DOSSIER) private readonly dossier: Dossier,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    @Inject(WebhookDeliveryService) private readonly webhooks: WebhookDeliveryService,
  ) {}

  /** The caller's own subscription, or 404 (another's is not disclosed). */
  private async own(actor: Actor, id: string): Promise<Subscription> {
    requireFeedAccess(this.dossier.config, actor, ['events:read']);
    const s = await this.webhooks.subscriptions.get(id);
    if (!s || s.owner.id !== actor.id)
      throw problems.notFound(`no subscription ${id}`, 'subscription.not-found');
    return s;
  }

  @Post()
  @ApiOperation({
    summary:
      'Register a webhook endpoint (url, types, scope): Dossier generates its secret (whsec_…), shown once. ' +
      'It receives the events after `startsAfter`; read GET /feed?from=0 for the history before.',
    operationId: 'createSubscription',
  })
  async create(@Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(SubscriptionBody, body);
    const scopes = parseScopes(b.scope, 'scope');
    requireFeedAccess(this.dossier.config, actor, scopes);
    const s = await this.webhooks.subscriptions.create(
      {
        url: parseUrl(b.url, 'url'),
        types: parseTypes(b.types, 'types') ?? [],
        ...(b.archive ? { archiveId: b.archive } : {}),
        scopes,
        ...(b.description ? { description: b.description } : {}),
        owner: actor,
        secret: newWebhookSecret(),
      },
      new Date().toISOString(),
    );
    this.webhooks.wake();
    return { ...view(s), secret: s.secret };
  }

  @Get()
  @ApiOperation({ summary: 'The caller’s subscriptions', operationId: 'listSubscriptions' })
  async list(@CurrentActor() actor: Actor) {
    requireFeedAccess(this.dossier.config, actor, ['events:read']);
    return { subscriptions: (await this.webhooks.subscriptions.listOf(actor.id)).map(view) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription', operationId: 'getSubscription' })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return view(await this.own(actor, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a subscription, its queue and its log',
    operationId: 'deleteSubscription',
  })
  async remove(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.own(actor, id);
    await this.webhooks.subscriptions.delete(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A new secret (shown once); the previous one keeps signing beside it (two signatures) until ' +
      '`previousSecretValidUntil`, so that the receiver can switch without a gap',
    operationId: 'rotateSubscriptionSecret',
  })
  async rotate(@Param('id') id: string, @CurrentActor() actor: Actor) {
    await this.own(actor, id);
    const now = new Date();
    const secret = newWebhookSecret();
    const until = new Date(now.getTime() + this.settings.secretOverlapMs).toISOString();
    await this.webhooks.subscriptions.rotate(id, secret, until, now.toISOString());
    return { ...view((await this.webhooks.subscriptions.get(id))!), secret };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Resume a paused subscription (its failed delivery first) or re-enable a disabled one (from the ' +
      'dispatcher’s position: see `startsAfter`)',
    operationId: 'enableSubscription',
  })
  async enable(@Param('id') id: string, @CurrentActor() actor: Actor) {
    await this.own(actor, id);
    await this.webhooks.subscriptions.enable(id, new Date().toISOString());
    this.webhooks.wake();
    return view((await this.webhooks.subscriptions.get(id))!);
  }

  @Get(':id/deliveries')
  @QueryDoc('The delivery log, newest first, with every attempt', DeliveriesQuery, 'listDeliveries')
  async deliveries(@Param('id') id: string, @Query() query: unknown, @CurrentActor() actor: Actor) {
    const q = parseQuery(DeliveriesQuery, query);
    await this.own(actor, id);
    const page = await this.webhooks.deliveries.list(id, {
      limit: q.limit ? Number(q.limit) : 50,
      ...(q.cursor ? { before: BigInt(q.cursor) } : {}),
      ...(q.status ? { status: q.status } : {}),
    });
    return {
      items: page.deliveries.map((d) => ({
        id: d.id,
        position: d.position.toString(),
        eventId: d.eventId,
        eventType: d.eventType,
        archive: d.archiveId,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
        createdAt: d.createdAt,
        deliveredAt: d.deliveredAt ?? null,
        lastStatus: d.lastStatus ?? null,
        lastError: d.lastError ?? null,
        attemptLog: d.attemptLog,
      })),
      ...(page.next ? { next: page.next } : {}),
    };
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Send a delivery again (same webhook-id) before the subscription’s other queued deliveries; a paused ' +
      'subscription resumes',
    operationId: 'redeliver',
  })
  async redeliver(
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
    @CurrentActor() actor: Actor,
  ) {
    const s = await this.own(actor, id);
    const d = await this.webhooks.deliveries.get(id, deliveryId);
    if (!d) throw problems.notFound(`no delivery ${deliveryId} of ${id}`, 'delivery.not-found');
    const now = new Date().toISOString();
    await this.webhooks.deliveries.requeue(d.id, now);
    if (s.status === 'paused') await this.webhooks.subscriptions.enable(id, now);
    this.webhooks.wake();
    return { id: d.id, status: 'pending', subscription: s.status === 'paused' ? 'active' : s.status };
  }
}
