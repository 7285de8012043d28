import { UsageError } from './errors';
import type { CommandSpec, OptionSpec } from './spec';
import { GLOBAL_OPTIONS } from './spec';

export interface ParsedCommandLine {
  /** The command the words named (the root when none). */
  readonly command: CommandSpec;
  /** Its name as typed: `projections rebuild`. */
  readonly path: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** A usage error that knows which command it is about (for the usage line printed with it). */
export class CommandLineError extends UsageError {
  constructor(
    message: string,
    readonly command: CommandSpec,
    readonly path: readonly string[],
  ) {
    super(message);
  }
}

const optionOf = (command: CommandSpec, name: string): OptionSpec | undefined =>
  GLOBAL_OPTIONS.find((o) => o.name === name) ?? command.options?.find((o) => o.name === name);

/**
 * `dossier [global options] <command> [<subcommand>] [arguments] [options]`: words name the command first, then
 * the rest are its arguments; `--name value`, `--name=value` and `--flag` anywhere; `--` ends the options.
 * Unknown options, a flag given a value, a missing value and surplus or missing arguments are usage errors.
 */
export const parseCommandLine = (root: CommandSpec, argv: readonly string[]): ParsedCommandLine => {
  let command = root;
  const path: string[] = [];
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;
  const fail = (message: string): never => {
    throw new CommandLineError(message, command, path);
  };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (onlyPositionals) {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      onlyPositionals = true;
      continue;
    }
    if (word === '-h' || word === '--help') {
      help = true;
      continue;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq > 0 ? word.slice(2, eq) : word.slice(2);
      const spec = optionOf(command, name);
      if (!spec) fail(`unknown option --${name}`);
      if (!spec!.value) {
        if (eq > 0) fail(`--${name} takes no value`);
        options.set(name, true);
        continue;
      }
      const value = eq > 0 ? word.slice(eq + 1) : argv[i + 1];
      if (value === undefined || (eq < 0 && value.startsWith('--')) || value === '')
        fail(`--${name} needs a value: --${name} ${spec!.value}`);
      if (eq < 0) i += 1;
      options.set(name, value!);
      continue;
    }
    if (word.startsWith('-') && word.length > 1) fail(`unknown option ${word}`);
    const sub = positionals.length === 0 ? command.subcommands?.find((c) => c.name === word) : undefined;
    if (sub) {
      command = sub;
      path.push(word);
      continue;
    }
    if (command.subcommands && !command.args?.length && !help)
      fail(`unknown command ${[...path, word].join(' ')}`);
    positionals.push(word);
  }
  if (!help && command.run) {
    const specs = command.args ?? [];
    const required = specs.filter((a) => a.required).length;
    if (positionals.length < required)
      fail(
        `missing ${specs
          .slice(positionals.length, required)
          .map((a) => `<${a.name}>`)
          .join(' ')}`,
      );
    if (positionals.length > specs.length) fail(`unexpected argument ${positionals[specs.length]}`);
  }
  return { command, path, options, positionals, help };
};
