import type { EventStore, RecordedEvent } from '@dossier/core';
import { ARCHIVE_STREAM_PREFIX } from '@dossier/core';

/**
 * One reader of the head of the log for every live consumer of this process: the store's subscription reads
 * each new page once, keeps the last `capacity` archive events, and wakes the consumers, who take what follows
 * their own position from memory. Fifty live consumers cost one store read per page, not fifty.
 *
 * It covers the positions after `floor`: what it read since it started, less what it dropped. A consumer
 * further behind reads the store itself (`since` answers undefined) until it is covered again.
 */
export class LiveTail {
  private readonly events: RecordedEvent[] = [];
  private floor = 0n;
  private last = 0n;
  private readonly waiting = new Set<() => void>();
  private wakeScheduled = false;
  private started: Promise<void> | undefined;
  private readonly lifetime = new AbortController();
  private failure: Error | undefined;

  constructor(
    private readonly store: Pick<EventStore, 'subscribe' | 'headPosition'>,
    private readonly capacity = 10_000,
    private readonly batchSize = 500,
  ) {}

  /** The last position the tail has read (every archive event up to it is in the store for every reader). */
  get position(): bigint {
    return this.last;
  }

  /** Reading, and usable: not stopped, not failed. */
  get running(): boolean {
    return !this.failure && !this.lifetime.signal.aborted;
  }

  /** Start reading (once); resolves when the tail knows where it starts. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.floor = this.last = await this.store.headPosition();
      void this.run();
    })();
    return this.started;
  }

  private async run(): Promise<void> {
    try {
      for await (const r of this.store.subscribe({
        after: this.last,
        streamPrefix: ARCHIVE_STREAM_PREFIX,
        batchSize: this.batchSize,
        signal: this.lifetime.signal,
      })) {
        this.events.push(r);
        this.last = r.position;
        if (this.events.length > this.capacity) {
          const dropped = this.events.splice(0, this.events.length - this.capacity);
          this.floor = dropped.at(-1)!.position;
        }
        this.scheduleWake();
      }
    } catch (e) {
      this.failure = e as Error;
    } finally {
      this.wakeAll();
    }
  }

  /**
   * Up to `max` events after `after` (unfiltered archive events, in order), [] when there is nothing yet, or
   * undefined when the tail does not reach back that far (or has stopped): read the store instead.
   */
  since(after: bigint, max: number): RecordedEvent[] | undefined {
    if (after < this.floor || this.failure || this.lifetime.signal.aborted) return undefined;
    if (after >= this.last) return [];
    // binary search: the first event after `after`
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo, lo + max);
  }

  /** Resolves when new events may be there, or `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.failure || this.lifetime.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.waiting.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  stop(): void {
    this.lifetime.abort();
    this.wakeAll();
  }

  /** Once per turn of the loop: a page of events wakes each consumer once, not once per event. */
  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wakeAll();
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.waiting]) wake();
  }
}
