import { createHash } from 'node:crypto';

/**
 * A deterministic event id (UUID-shaped, version 8): the same command and index always give the same id,
 * so a retried append is recognised by the store and never written twice.
 */
export const deterministicEventId = (...parts: readonly string[]): string => {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
