// Recording one finding through the command handler, and its log line.
import type { Clock, CommandHandler, PolicyConfig } from '@dossier/core';
import { findingKey } from '@dossier/core';
import type { Finding } from './schedule';
import { findingCommandId } from './schedule';
import type { WorkerLog } from './worker-log';
import { writeLine } from './worker-log';

/** The worker records findings as the system (DOMAIN.md §6: `record_finding` is the system's alone). */
export const WORKER_ACTOR = { id: 'worker', role: 'system', department: 'system' } as const;

/**
 * recorded: appended now; replayed: recorded before (by another worker, or before a restart); moot: no longer
 * true, nothing appended; failed: kept for a retry.
 */
export type FireOutcome = 'recorded' | 'replayed' | 'moot' | 'failed';

export const errorText = (e: unknown): string =>
  e instanceof Error
    ? e.message
    : typeof e === 'object' && e !== null && 'message' in e
      ? String((e as { message: unknown }).message)
      : JSON.stringify(e);

export interface RecorderDeps {
  readonly handler: CommandHandler;
  readonly clock: Clock;
  readonly config: PolicyConfig;
  readonly log: WorkerLog;
  readonly worker: string;
}

/**
 * `RecordFinding` under the command id derived from the archive and the finding key: the decider appends the
 * finding once and only while it is true, the handler answers a repeated command id with the first result,
 * the store refuses a stale revision. One JSON line for each finding appended, one for each failure.
 */
export const findingRecorder = ({ handler, clock, config, log, worker }: RecorderDeps) =>
  async function record(
    archiveId: string,
    finding: Finding,
    dueAt: string,
  ): Promise<{ outcome: FireOutcome; error?: string }> {
    const key = findingKey(finding);
    const commandId = findingCommandId(archiveId, key);
    let outcome: FireOutcome;
    let detail: Record<string, unknown> = {};
    try {
      const r = await handler.execute({
        type: 'RecordFinding',
        commandId,
        archiveId,
        actor: WORKER_ACTOR,
        finding,
      });
      if (r._tag === 'Left') {
        const e = r.left;
        outcome = e._tag === 'DomainError' && e.code === 'archive.not-found' ? 'moot' : 'failed';
        detail = { error: `${e._tag}: ${errorText(e)}` };
      } else if (r.right.replayed) outcome = 'replayed';
      else if (r.right.events.length === 0) outcome = 'moot';
      else {
        outcome = 'recorded';
        const last = r.right.events.at(-1)!;
        detail = { eventId: last.eventId, revision: last.revision, position: last.position };
      }
    } catch (e) {
      outcome = 'failed';
      detail = { error: errorText(e) };
    }
    const now = clock.now();
    if (outcome === 'recorded')
      writeLine(log, {
        level: 'info',
        msg: 'finding recorded',
        at: now.toISOString(),
        worker,
        archiveId,
        finding: finding.type,
        findingKey: key,
        commandId,
        dueAt,
        lateMs: Math.max(0, now.getTime() - Date.parse(dueAt)),
        timeZone: config.timeZone,
        data: finding.data,
        ...detail,
      });
    else if (outcome === 'failed')
      writeLine(log, {
        level: 'error',
        msg: 'finding failed',
        at: now.toISOString(),
        worker,
        archiveId,
        findingKey: key,
        ...detail,
      });
    return outcome === 'failed' ? { outcome, error: String(detail.error) } : { outcome };
  };
