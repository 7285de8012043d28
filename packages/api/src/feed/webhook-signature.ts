import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export const newWebhookSecret = (): string => PREFIX + randomBytes(32).toString('base64');

const keyOf = (secret: string): Buffer =>
  Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the base64-decoded secret. */
export const signWebhook = (secret: string, id: string, timestamp: number, body: string): string =>
  'v1,' + createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');

/** The `webhook-signature` header: one signature per secret, space separated (two during a rotation). */
export const signatureHeader = (
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string => secrets.map((s) => signWebhook(s, id, timestamp, body)).join(' ');
