import { once } from 'node:events';
import type { Interrupts } from './interrupt';
import type { Progress } from './progress';
import { progressReporter } from './progress';

/** What a command gets: its parsed arguments, the store URL, output, progress and the interrupt signal. */
export interface CommandContext {
  readonly positionals: readonly string[];
  readonly storeUrl: string;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted by Ctrl-C / SIGTERM: long work stops at its next safe point. */
  readonly signal: AbortSignal;
  readonly stdoutIsTty: boolean;
  readonly quiet: boolean;
  value(name: string): string | undefined;
  flag(name: string): boolean;
  /** Write to stdout, waiting while the pipe is full. */
  out(text: string): Promise<void>;
  /** One line on stderr. */
  note(line: string): void;
  progress(label: string, unit: string): Progress;
  onForcedExit(cleanup: () => void): () => void;
}

export const DEFAULT_STORE_URL = 'sqlite:./data/dossier.db';

export const makeContext = (parts: {
  readonly options: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly interrupts: Interrupts;
}): CommandContext => {
  const { options, env } = parts;
  const store = options.get('store');
  const quiet = options.get('quiet') === true;
  const intervalMs = Number(env.DOSSIER_PROGRESS_MS) > 0 ? Number(env.DOSSIER_PROGRESS_MS) : undefined;
  return {
    positionals: parts.positionals,
    storeUrl: typeof store === 'string' ? store : env.DOSSIER_STORE_URL || DEFAULT_STORE_URL,
    env,
    signal: parts.interrupts.signal,
    stdoutIsTty: process.stdout.isTTY === true,
    quiet,
    value: (name) => {
      const v = options.get(name);
      return typeof v === 'string' ? v : undefined;
    },
    flag: (name) => options.get(name) === true,
    async out(text) {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    },
    note: (line) => void process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
    progress: (label, unit) =>
      progressReporter({
        label,
        unit,
        stream: process.stderr,
        tty: process.stderr.isTTY === true,
        quiet,
        ...(intervalMs ? { intervalMs } : {}),
        ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
      }),
    onForcedExit: (cleanup) => parts.interrupts.onForcedExit(cleanup),
  };
};
