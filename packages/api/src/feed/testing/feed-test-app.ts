/* The real app on a SQLite file that outlives it (stop, start again on the same file and port), for the feed's e2e tests. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@dossier/core';
import { createApp } from '../../app/create-app';
import type { Dossier } from '../../compose';
import { composeDossier } from '../../compose';
import { signToken } from '../../identity/jwt';
import type { FeedApiSettings, FeedSettings } from '../feed-settings';
import { SseFeedService } from '../sse-feed.service';
import { WebhookDeliveryService } from '../webhook-delivery.service';

const SECRET = 'feed-test-secret-0123456789abcdef-0123456789';

/** Fast everything: heartbeats, reconnects, polls and a retry schedule of milliseconds. */
export const fastFeed: Partial<FeedSettings> = {
  heartbeatMs: 200,
  sseRetryMs: 150,
  pollMs: 20,
  retrySchedule: [40, 60, 80, 100, 120, 150, 200],
  retryJitter: 0.2,
  deliveryTimeoutMs: 2000,
  batchSize: 50,
};

export interface FeedPlace {
  readonly dir: string;
  readonly dbPath: string;
  readonly masterKeyBase64: string;
  readonly signingKeyPem: string;
  remove(): void;
}

/** A directory for the database, with the keys a restart needs to open it again. */
export const feedPlace = (): FeedPlace => {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-feed-'));
  return {
    dir,
    dbPath: join(dir, 'dossier.db'),
    masterKeyBase64: randomBytes(32).toString('base64'),
    signingKeyPem: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

export interface FeedApp {
  readonly url: string;
  readonly port: number;
  readonly dossier: Dossier;
  readonly app: NestFastifyApplication;
  readonly webhooks: WebhookDeliveryService;
  readonly sse: SseFeedService;
  token(role: Role, id?: string): Promise<string>;
  /** Stop the app and close the store; the file stays. */
  stop(): Promise<void>;
}

export const startFeedApp = async (
  place: FeedPlace,
  options: {
    port?: number;
    feed?: Partial<FeedSettings>;
    dispatcher?: boolean;
    storeUrl?: string;
    readModelsUrl?: string;
  } = {},
): Promise<FeedApp> => {
  const settings: FeedApiSettings = {
    storeUrl: options.storeUrl ?? `sqlite:${place.dbPath}`,
    ...(options.readModelsUrl ? { readModelsUrl: options.readModelsUrl } : {}),
    masterKeyBase64: place.masterKeyBase64,
    signingKeyPem: place.signingKeyPem,
    synchronous: 'NORMAL',
    host: '127.0.0.1',
    port: options.port ?? 0,
    bodyLimit: 64 * 1024,
    waitTimeoutMs: 5000,
    identity: { secret: SECRET },
    projectionPollMs: 20,
    feed: { ...fastFeed, ...options.feed },
  };
  const dossier = await composeDossier(settings);
  const app = await createApp(dossier, settings);
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const webhooks = app.get(WebhookDeliveryService);
  if (options.dispatcher !== false) webhooks.start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dossier,
    app,
    webhooks,
    sse: app.get(SseFeedService),
    token: (role, id = role) =>
      signToken(
        { sub: id, role, department: role === 'other_department' ? 'finance' : 'marketing', name: id },
        SECRET,
      ),
    async stop() {
      await app.close();
      await dossier.close();
    },
  };
};

/** Plaintext personal values of `anArchiveBody()` and of the contacts the tests log. */
export const PERSONAL_NEEDLES = ['6222 0210 0109 8765 432', '王丽华', '138 0013 8000', '采购经理'];

/** The first needle a text holds (plaintext or ciphertext), or undefined. */
export const personalIn = (text: string): string | undefined =>
  [...PERSONAL_NEEDLES, '"$pii"'].find((n) => text.includes(n));

export const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
