import type { EventStore, RecordedEvent } from '@dossier/core';
import type { LiveTail } from './live-tail';

export interface FollowOptions {
  readonly store: Pick<EventStore, 'readAll' | 'subscribe'>;
  readonly tail: LiveTail;
  /** Events strictly after this position. */
  readonly after: bigint;
  readonly streamPrefix: string;
  /** Only this stream (an archive filter), checked exactly (a prefix also matches longer ids). */
  readonly only?: string;
  readonly types?: readonly string[];
  readonly batchSize: number;
  readonly signal: AbortSignal;
  /** Hand one event on; a promise when the consumer must be waited for. */
  readonly deliver: (r: RecordedEvent) => Promise<void> | undefined;
}

/**
 * Catch-up, then live, with no gap and no repeat: whole pages from the store while they come full, then the
 * shared live tail from the last position read; a consumer the tail does not reach back to reads the store
 * until it does. Positions only grow, so each switch continues exactly after the last event handed on.
 */
export const followLog = async (o: FollowOptions): Promise<void> => {
  const typeSet = o.types ? new Set(o.types) : undefined;
  const wanted = (r: RecordedEvent) =>
    (!o.only || r.streamId === o.only) &&
    (!typeSet || typeSet.has(r.type)) &&
    r.streamId.startsWith(o.streamPrefix);
  const read = { streamPrefix: o.streamPrefix, ...(o.types ? { types: o.types } : {}) };
  let cursor = o.after;
  /** One page from the store; true when it came full (more to read). */
  const readPage = async (): Promise<boolean> => {
    const page = await o.store.readAll({ ...read, after: cursor, limit: o.batchSize });
    for (const r of page) {
      if (o.signal.aborted) return false;
      if (wanted(r)) {
        const waiting = o.deliver(r);
        if (waiting) await waiting;
      }
      cursor = r.position;
    }
    return page.length === o.batchSize;
  };

  while (!o.signal.aborted && (await readPage()));
  if (o.signal.aborted) return;
  await o.tail.start();
  while (!o.signal.aborted) {
    const batch = o.tail.since(cursor, o.batchSize);
    if (batch === undefined) {
      if (!o.tail.running) break;
      // behind the tail: the store, then the tail again. Everything up to the position the tail had read
      // before this page is visible to this page's read, so a short page has caught up with it.
      const covered = o.tail.position;
      const more = await readPage();
      if (!more && covered > cursor) cursor = covered;
      continue;
    }
    if (batch.length === 0) {
      await o.tail.wait(o.signal);
      continue;
    }
    for (const r of batch) {
      if (o.signal.aborted) return;
      if (wanted(r)) {
        const waiting = o.deliver(r);
        if (waiting) await waiting;
      }
      cursor = r.position;
    }
  }
  if (o.signal.aborted) return;
  // the tail stopped (the store closed, or it failed): the store's own subscription from here
  for await (const r of o.store.subscribe({
    ...read,
    after: cursor,
    batchSize: o.batchSize,
    signal: o.signal,
  })) {
    if (!wanted(r)) continue;
    const waiting = o.deliver(r);
    if (waiting) await waiting;
  }
};
