import type { CommandContext } from './context';

export interface OptionSpec {
  readonly name: string;
  /** The value's placeholder (`<ISO time>`); absent for a flag. */
  readonly value?: string;
  readonly description: string;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
}

/** One command (or group of subcommands) of `dossier`: what its help shows and how it runs. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** More lines of explanation under the summary. */
  readonly description?: readonly string[];
  readonly args?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  readonly subcommands?: readonly CommandSpec[];
  readonly examples?: readonly string[];
  /**
   * The command hands the process over to a long-running main (the API, the worker, the projection runner),
   * which installs its own signal handlers and decides when the process ends.
   */
  readonly service?: boolean;
  /** Absent for a group that only holds subcommands. */
  readonly run?: (ctx: CommandContext) => Promise<number | 'handed-over'>;
}

export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'store',
    value: '<url>',
    description:
      'the store: sqlite:<file> or postgres://… (default: $DOSSIER_STORE_URL, else sqlite:./data/dossier.db)',
  },
  { name: 'quiet', description: 'no progress output on stderr' },
  { name: 'help', description: 'show this help' },
];
