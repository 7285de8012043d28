import { UsageError } from './errors';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An option's time: an ISO-8601 instant with its offset (`2025-03-01T09:00:00Z`, `2025-03-01T17:00+08:00`) or
 * a date (`2025-03-01`, its 00:00 UTC), as ISO-8601 UTC with milliseconds, the form events are recorded in.
 */
export const parseInstant = (text: string, option: string): string => {
  if (!ISO.test(text) || Number.isNaN(Date.parse(text)))
    throw new UsageError(
      `--${option}: ${text} is not an ISO-8601 time (2025-03-01T09:00:00Z, 2025-03-01T17:00+08:00 or 2025-03-01)`,
    );
  return new Date(text).toISOString();
};

/** A non-negative whole number option. */
export const parseCount = (text: string, option: string, min = 0): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${option}: ${text} is not a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return n;
};
