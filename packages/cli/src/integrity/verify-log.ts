import type { BrokenLink, EventStore } from '@dossier/core';
import { archiveStream, readLogStream, verifyChain } from '@dossier/core';
import type { CommandContext } from '../cli/context';
import { CommandError } from '../cli/errors';
import { count } from '../cli/progress';
import { scanChains } from './scan-chains';
import { watchedEvents } from './watched-events';

/** The first link that does not hold: where (stream, revision, global position), which event, and why. */
export interface BrokenLinkReport {
  readonly streamId: string;
  readonly revision: string;
  readonly position: string;
  readonly eventType: string;
  readonly reason: string;
  readonly message: string;
}

export const linkReport = (b: BrokenLink): BrokenLinkReport => ({
  streamId: b.streamId,
  revision: b.revision.toString(),
  position: b.position.toString(),
  eventType: b.eventType,
  reason: b.reason,
  message: b.message,
});

export interface LogReport {
  readonly verified: boolean;
  readonly position: string;
  readonly events: number;
  readonly streams: number;
  readonly brokenLink?: BrokenLinkReport;
}

/**
 * Every stream's chain recomputed over the global log up to its head; then every stream head
 * the store keeps is checked against the chain's end, so that a stream whose last events were deleted is
 * caught too (as `head-mismatch`, at the head the store remembers).
 */
export const verifyLog = async (events: EventStore, ctx: CommandContext): Promise<LogReport> => {
  const head = await events.headPosition();
  const progress = ctx.progress('verify', 'events');
  progress.update(0, Number(head));
  const watched = watchedEvents(events, ctx.signal, (p) => progress.update(Number(p), Number(head)));
  let scan: Awaited<ReturnType<typeof scanChains>>;
  try {
    scan = await scanChains(watched, head);
  } catch (e) {
    progress.stop();
    throw e;
  }
  progress.done(`${count(scan.events)} events in ${count(scan.heads.size)} streams checked`);
  const base = { position: head.toString(), events: scan.events, streams: scan.heads.size };
  if (scan.broken) return { verified: false, ...base, brokenLink: linkReport(scan.broken) };
  for (const stored of await events.streamHeads()) {
    if (stored.position > head) continue; // appended after the scan began
    const chained = scan.heads.get(stored.streamId);
    if (chained && chained.revision === stored.revision && chained.hash === stored.hash) continue;
    return {
      verified: false,
      ...base,
      brokenLink: {
        streamId: stored.streamId,
        revision: stored.revision.toString(),
        position: stored.position.toString(),
        eventType: '(stream head)',
        reason: 'head-mismatch',
        message: chained
          ? `${stored.streamId}: the store's head is revision ${stored.revision} (global position ${stored.position}), the chain of its events ends at revision ${chained.revision} (global position ${chained.position}): events were removed or rewritten`
          : `${stored.streamId}: the store's head is revision ${stored.revision} (global position ${stored.position}), but the log holds no event of it`,
      },
    };
  }
  return { verified: true, ...base };
};

export interface ArchiveReport {
  readonly verified: boolean;
  readonly archiveId: string;
  readonly streams: readonly { streamId: string; events: number; headRevision: string; headHash: string }[];
  readonly brokenLink?: BrokenLinkReport;
}

/** One archive's chains: its stream and its read log (as `GET /archives/{id}/verify`). */
export const verifyArchive = async (events: EventStore, archiveId: string): Promise<ArchiveReport> => {
  const streams: ArchiveReport['streams'][number][] = [];
  for (const streamId of [archiveStream(archiveId), readLogStream(archiveId)]) {
    const recorded = await events.readStream(streamId);
    if (streamId === archiveStream(archiveId) && recorded.length === 0)
      throw new CommandError(`archive ${archiveId} does not exist`);
    const checked = verifyChain(streamId, recorded);
    if (checked._tag === 'Left')
      return { verified: false, archiveId, streams, brokenLink: linkReport(checked.left) };
    streams.push({
      streamId,
      events: checked.right.events,
      headRevision: checked.right.headRevision.toString(),
      headHash: checked.right.headHash,
    });
  }
  return { verified: true, archiveId, streams };
};
