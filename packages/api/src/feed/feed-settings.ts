import type { ApiSettings } from '../settings';
import { parseDurations } from './retry-schedule';

/** How the event feed and the webhook delivery run (every number configurable, DOSSIER_FEED_* / DOSSIER_WEBHOOK_*). */
export interface FeedSettings {
  /** Absolute base URL of the API as consumers reach it (for `dataschema`); else the listening address. */
  readonly publicUrl?: string;
  /** SSE comment sent this often (ms) so that proxies and clients keep an idle stream open. */
  readonly heartbeatMs: number;
  /** The reconnection delay an SSE client is told (`retry:`, ms). */
  readonly sseRetryMs: number;
  /** Page size of the feed's catch-up reads. */
  readonly batchSize: number;
  /** How often the dispatcher looks at the log for new events, and the sender for due deliveries (ms). */
  readonly pollMs: number;
  /** Delays before each retry of a failed delivery (ms): the length is the number of retries. */
  readonly retrySchedule: readonly number[];
  /** ± fraction of each delay drawn at random (0.2: 80 %–120 %). */
  readonly retryJitter: number;
  /** Longest wait for a receiver's answer (ms). */
  readonly deliveryTimeoutMs: number;
  /** How long the previous secret keeps signing after a rotation (ms). */
  readonly secretOverlapMs: number;
  /** Deliveries sent at the same time (to different subscriptions; one subscription is always sequential). */
  readonly concurrency: number;
  /** Start the webhook dispatcher and sender with the app (main process). */
  readonly runDispatcher: boolean;
}

/** ApiSettings with the feed's, for `createApp` (tests and the benchmark set them; main reads the environment). */
export type FeedApiSettings = ApiSettings & { readonly feed?: Partial<FeedSettings> };

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Standard Webhooks' usual schedule: retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (≈ 27.6 h). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [
  5_000,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

export const defaultFeedSettings: FeedSettings = {
  heartbeatMs: 15_000,
  sseRetryMs: 2_000,
  batchSize: 500,
  pollMs: 250,
  retrySchedule: DEFAULT_RETRY_SCHEDULE,
  retryJitter: 0.2,
  deliveryTimeoutMs: 15_000,
  secretOverlapMs: 24 * HOUR,
  concurrency: 8,
  runDispatcher: false,
};

const int = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${v}`);
  return n;
};

/** The feed's settings: defaults, then the environment, then what the caller passes (tests). */
export const feedSettingsOf = (
  given: Partial<FeedSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): FeedSettings => {
  const d = defaultFeedSettings;
  const jitter = env.DOSSIER_WEBHOOK_RETRY_JITTER ? Number(env.DOSSIER_WEBHOOK_RETRY_JITTER) : d.retryJitter;
  if (!(jitter >= 0 && jitter < 1)) throw new Error('DOSSIER_WEBHOOK_RETRY_JITTER must be in [0, 1)');
  const fromEnv: FeedSettings = {
    ...(env.DOSSIER_PUBLIC_URL ? { publicUrl: env.DOSSIER_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    heartbeatMs: int(env, 'DOSSIER_FEED_HEARTBEAT_MS', d.heartbeatMs),
    sseRetryMs: int(env, 'DOSSIER_FEED_RETRY_MS', d.sseRetryMs),
    batchSize: int(env, 'DOSSIER_FEED_BATCH', d.batchSize) || d.batchSize,
    pollMs: int(env, 'DOSSIER_WEBHOOK_POLL_MS', d.pollMs) || d.pollMs,
    retrySchedule: env.DOSSIER_WEBHOOK_RETRY_SCHEDULE
      ? parseDurations(env.DOSSIER_WEBHOOK_RETRY_SCHEDULE, 'DOSSIER_WEBHOOK_RETRY_SCHEDULE')
      : d.retrySchedule,
    retryJitter: jitter,
    deliveryTimeoutMs: int(env, 'DOSSIER_WEBHOOK_TIMEOUT_MS', d.deliveryTimeoutMs),
    secretOverlapMs: int(env, 'DOSSIER_WEBHOOK_SECRET_OVERLAP_MS', d.secretOverlapMs),
    concurrency: int(env, 'DOSSIER_WEBHOOK_CONCURRENCY', d.concurrency) || d.concurrency,
    runDispatcher: d.runDispatcher,
  };
  return { ...fromEnv, ...given };
};
