import type { EventStore } from '@dossier/core';
import type { CommandContext } from '../cli/context';
import { EXIT, UsageError, stopPoint } from '../cli/errors';
import { parseInstant } from '../cli/instant';
import { count } from '../cli/progress';
import { exportRecord } from '../export/export-record';
import type { ExportFormat } from '../export/formats';
import { formatter } from '../export/formats';
import type { Sink } from '../export/output-file';
import { atomicFile, stdoutSink } from '../export/output-file';
import type { PersonalValues } from '../personal/personal-values';
import { personalValues } from '../personal/personal-values';
import { withStore } from '../store/open-store';

const PAGE = 1000;

interface Window {
  readonly from?: string;
  readonly to?: string;
}

/** Every event up to the head of the log when the export began, in global order, within the window. */
const writeLog = async (
  events: EventStore,
  personal: PersonalValues,
  format: ExportFormat,
  window: Window,
  sink: Sink,
  ctx: CommandContext,
): Promise<{ exported: number; head: bigint }> => {
  const { header, record } = formatter(format);
  const head = await events.headPosition();
  const progress = ctx.progress('export', 'events');
  progress.update(0, Number(head));
  if (header) await sink.write(header);
  let after = 0n;
  let exported = 0;
  try {
    while (after < head) {
      await stopPoint(ctx.signal);
      const page = await events.readAll({ after, limit: PAGE });
      for (const r of page) {
        if (r.position > head) break;
        if (window.from !== undefined && r.recordedAt < window.from) continue;
        if (window.to !== undefined && r.recordedAt >= window.to) continue;
        await sink.write(record(await exportRecord(r, personal)));
        exported += 1;
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE || last.position >= head) break;
      after = last.position;
      progress.update(Number(after), Number(head));
    }
  } catch (e) {
    progress.stop();
    throw e;
  }
  progress.update(Number(head), Number(head));
  progress.done(`${count(exported)} events written`);
  return { exported, head };
};

/**
 * `dossier export [--from <time>] [--to <time>] [--format jsonl|csv] [--out <file>] [--withhold-personal]`:
 * the whole history for an auditor. With `--out` the file appears complete or not at all.
 */
export const exportLog = async (ctx: CommandContext): Promise<number> => {
  const formatText = ctx.value('format') ?? 'jsonl';
  if (formatText !== 'jsonl' && formatText !== 'csv')
    throw new UsageError(`--format: ${formatText} is not a format (jsonl or csv)`);
  const fromText = ctx.value('from');
  const toText = ctx.value('to');
  const window: Window = {
    ...(fromText !== undefined ? { from: parseInstant(fromText, 'from') } : {}),
    ...(toText !== undefined ? { to: parseInstant(toText, 'to') } : {}),
  };
  if (window.from !== undefined && window.to !== undefined && window.from >= window.to)
    throw new UsageError('--from must be before --to');
  const out = ctx.value('out');
  return withStore(ctx.storeUrl, ctx.env, async (store) => {
    const personal = personalValues(store.keys, ctx.flag('withhold-personal') ? 'withhold' : 'open');
    const sink = out !== undefined ? atomicFile(out, ctx.onForcedExit) : stdoutSink(ctx.out);
    let written: { exported: number; head: bigint };
    try {
      written = await writeLog(store.events, personal, formatText, window, sink, ctx);
      await sink.commit();
    } catch (e) {
      await sink.discard();
      throw e;
    }
    const c = personal.counts;
    ctx.note(
      `export: ${written.exported} events of the log up to position ${written.head}${out !== undefined ? ` written to ${out}` : ''}; ` +
        `personal values: ${c.opened} opened, ${c.withheld} withheld, ${c.destroyed} destroyed`,
    );
    if (c.withheld > 0 && !ctx.flag('withhold-personal'))
      ctx.note(
        `export: ${c.withheld} personal values withheld: ${store.masterKey.key ? `the master key (${store.masterKey.source}) does not open them` : `no master key: ${store.masterKey.source}`}`,
      );
    return EXIT.ok;
  });
};
