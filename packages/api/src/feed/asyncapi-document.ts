import { eventTypes } from '@dossier/core';
import { FEED_SOURCE, cloudEventType, schemaFileOf } from './cloud-event-types';
import { eventCatalogue } from './event-catalogue';
import { SCOPES } from './feed-scopes';

const ref = (path: string) => ({ $ref: path });

/** The CloudEvents envelope of one event type, its data a reference to the type's schema. */
const envelope = (type: (typeof eventTypes)[number], baseUrl: string, dataComponent: string) => ({
  type: 'object',
  required: [
    'specversion',
    'id',
    'source',
    'type',
    'subject',
    'time',
    'datacontenttype',
    'dataschema',
    'sequence',
    'dataclassification',
    'data',
  ],
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', description: 'the event id (unique; the same in every replay)' },
    source: { type: 'string', const: FEED_SOURCE },
    type: { type: 'string', const: cloudEventType(type) },
    subject: { type: 'string', description: 'the archive id' },
    time: { type: 'string', format: 'date-time', description: 'when it happened (metadata.occurredAt)' },
    datacontenttype: { type: 'string', const: 'application/json' },
    dataschema: { type: 'string', format: 'uri', const: `${baseUrl}/schemas/events/${schemaFileOf(type)}` },
    sequence: {
      type: 'string',
      pattern: '^[0-9]{20}$',
      description: 'the global position in the log (sequence extension), zero-padded: orders as text too',
    },
    dataclassification: {
      type: 'string',
      enum: ['internal', 'confidential', 'restricted'],
      description: 'data-classification extension from the archive’s 密级 at the event (secret → restricted)',
    },
    dataregulations: {
      type: 'string',
      const: 'PIPL',
      description: 'present when the data carries personal information in plaintext (scope personal:read)',
    },
    data: ref(`#/components/schemas/${dataComponent}`),
  },
  additionalProperties: false,
});

/** AsyncAPI 3.0: the SSE feed and the webhooks, one message per event type, schemas from the core's codecs. */
export const asyncApiDocument = (baseUrl: string) => {
  const catalogue = eventCatalogue();
  const url = new URL(baseUrl);
  const messages: Record<string, unknown> = {};
  for (const type of eventTypes)
    messages[type] = {
      name: cloudEventType(type),
      title: type,
      contentType: 'application/cloudevents+json',
      payload: envelope(type, baseUrl, catalogue.dataComponent[type]),
    };
  const channelMessages = Object.fromEntries(eventTypes.map((t) => [t, ref(`#/components/messages/${t}`)]));
  const operationMessages = (channel: string) =>
    eventTypes.map((t) => ref(`#/channels/${channel}/messages/${t}`));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Dossier event feed',
      version: '0.1.0',
      description:
        'Every archive event as a CloudEvents 1.0 JSON object, over Server-Sent Events (`GET /feed`) and signed ' +
        'webhooks (Standard Webhooks). Personal values are `{ "$personal": "withheld" }` unless the scope is ' +
        `personal:read (scopes: ${SCOPES.join(', ')}); on destruction subscribers receive ArchiveDestroyed, which ` +
        'carries no personal information, so that they can erase their copies.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      dossier: {
        host: url.host,
        protocol: url.protocol.replace(':', ''),
        description: 'The Dossier API (bearer JWT)',
        security: [ref('#/components/securitySchemes/bearer')],
      },
    },
    channels: {
      feed: {
        address: '/feed',
        title: 'Server-Sent Events',
        description:
          'GET /feed: `id:` is the global position; reconnect with `Last-Event-ID` (or `?from=<position>`: the ' +
          'events after it) and nothing is lost or repeated. Filters: `?types=` (domain or CloudEvents types, ' +
          'comma separated), `?archive=<id>`; `?scope=personal:read`. Comments (`: heartbeat`) keep it open.',
        messages: channelMessages,
      },
      webhooks: {
        address: null,
        title: 'Webhooks',
        description:
          'POSTed to each subscription’s URL (POST /subscriptions) in sequence order, one at a time, with ' +
          '`webhook-id` (the same on every retry), `webhook-timestamp` and `webhook-signature` ' +
          '(`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, two of them during a secret rotation). Any 2xx ' +
          'acknowledges; 410 disables the subscription; anything else is retried with backoff.',
        messages: channelMessages,
      },
    },
    operations: {
      streamEvents: {
        action: 'send',
        channel: ref('#/channels/feed'),
        summary: 'Dossier streams archive events to a connected consumer',
        messages: operationMessages('feed'),
      },
      deliverWebhooks: {
        action: 'send',
        channel: ref('#/channels/webhooks'),
        summary: 'Dossier delivers archive events to a subscription’s endpoint',
        messages: operationMessages('webhooks'),
      },
    },
    components: {
      messages,
      schemas: catalogue.components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
};
