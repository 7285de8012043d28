import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { DOSSIER } from '../app/tokens';
import type { Dossier } from '../compose';
import type { ApiSettings } from '../settings';
import { FeedController } from './feed.controller';
import { FeedEventsService } from './feed-events.service';
import type { FeedApiSettings } from './feed-settings';
import { feedSettingsOf } from './feed-settings';
import { FEED_SETTINGS } from './feed-tokens';
import { SseFeedService } from './sse-feed.service';
import { SubscriptionsController } from './subscriptions.controller';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * The event feed (issue #7): GET /feed (SSE), webhook subscriptions with their outbox, and the catalogue
 * (/asyncapi.json, /schemas/events/…). The webhook dispatcher runs where `WebhookDeliveryService.start()` is
 * called (main.ts), or at once when the settings say `runDispatcher`.
 */
@Module({})
export class FeedModule {
  static forRoot(dossier: Dossier, settings: ApiSettings): DynamicModule {
    return {
      module: FeedModule,
      controllers: [FeedController, SubscriptionsController],
      providers: [
        { provide: DOSSIER, useValue: dossier },
        { provide: FEED_SETTINGS, useValue: feedSettingsOf((settings as FeedApiSettings).feed) },
        FeedEventsService,
        SseFeedService,
        WebhookDeliveryService,
      ],
      exports: [WebhookDeliveryService],
    };
  }
}
