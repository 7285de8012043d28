import type { EventStore } from '@dossier/core';
import { stopPoint } from '../cli/errors';

/**
 * The event store as a scan of the log sees it, reporting the position each page of `readAll` reached and
 * stopping (by throwing `Interrupted`) at the next page once the signal aborts.
 */
export const watchedEvents = (
  store: EventStore,
  signal: AbortSignal,
  onPage: (lastPosition: bigint) => void,
): EventStore => ({
  append: (streamId, events, expected) => store.append(streamId, events, expected),
  readStream: (streamId, options) => store.readStream(streamId, options),
  async readAll(options) {
    await stopPoint(signal);
    const page = await store.readAll(options);
    const last = page.at(-1);
    if (last) onPage(last.position);
    return page;
  },
  subscribe: (options) => store.subscribe(options),
  headPosition: () => store.headPosition(),
  streamHeads: () => store.streamHeads(),
  close: () => store.close(),
});
