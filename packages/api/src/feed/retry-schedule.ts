const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `5s,5m,30m,2h` (or plain milliseconds) → milliseconds. */
export const parseDurations = (text: string, name = 'schedule'): number[] =>
  text.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(part);
    if (!m) throw new Error(`${name}: "${part}" is not a duration (e.g. 500ms, 5s, 5m, 2h)`);
    return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
  });

/**
 * When to try a failed delivery again: the schedule's delay for this retry, spread at random by ± `jitter`
 * (so that receivers recovering from an outage are not hit by every sender at the same instant).
 * Undefined once the schedule is exhausted.
 */
export const retryDelay = (
  schedule: readonly number[],
  failuresInRow: number,
  jitter: number,
  random: () => number = Math.random,
): number | undefined => {
  const base = schedule[failuresInRow - 1];
  if (base === undefined) return undefined;
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random())));
};
