import type { ReadAllOptions, RecordedEvent, SubscribeOptions } from './event-store';

/**
 * Catch-up, then live, built from `readAll` pages: the one subscription loop every adapter can share.
 * `waitForMore` resolves when new events may exist (a notification, or a poll interval); it must resolve
 * or reject when `signal` aborts. Positions only grow, so the switch from catch-up to live can neither
 * skip nor repeat an event.
 */
export async function* pageSubscription(
  readAll: (o: ReadAllOptions) => Promise<readonly RecordedEvent[]>,
  waitForMore: (signal?: AbortSignal) => Promise<void>,
  options: SubscribeOptions = {},
): AsyncGenerator<RecordedEvent> {
  const { signal, batchSize = 500, streamPrefix, types } = options;
  let after = options.after ?? 0n;
  while (!signal?.aborted) {
    const page = await readAll({ after, limit: batchSize, streamPrefix, types });
    for (const e of page) {
      if (signal?.aborted) return;
      after = e.position;
      yield e;
    }
    if (page.length < batchSize) {
      if (signal?.aborted) return;
      await waitForMore(signal);
    }
  }
}

/** A waiter that wakes every subscriber when `notify` is called, or after `pollMs` at the latest. */
export const appendSignal = (pollMs: number) => {
  const waiting = new Set<() => void>();
  return {
    notify(): void {
      for (const wake of [...waiting]) wake();
    },
    wait(signal?: AbortSignal): Promise<void> {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        waiting.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
};
