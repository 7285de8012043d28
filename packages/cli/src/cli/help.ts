import { EXIT } from './errors';
import type { CommandSpec, OptionSpec } from './spec';
import { GLOBAL_OPTIONS } from './spec';

const optionLabel = (o: OptionSpec) =>
  o.name === 'help' ? '-h, --help' : `--${o.name}${o.value ? ` ${o.value}` : ''}`;

const columns = (rows: readonly (readonly [string, string])[], indent = '  '): string[] => {
  const width = Math.min(28, Math.max(0, ...rows.map(([l]) => l.length)));
  return rows.map(([left, right]) =>
    left.length > width
      ? `${indent}${left}\n${indent}${' '.repeat(width)}  ${right}`
      : `${indent}${left.padEnd(width)}  ${right}`,
  );
};

/** `dossier projections rebuild <name> [options]` */
export const usageLine = (command: CommandSpec, path: readonly string[]): string => {
  const words = ['dossier', ...path];
  if (command.subcommands?.length) words.push(command.run ? '[<command>]' : '<command>');
  for (const a of command.args ?? []) words.push(a.required ? `<${a.name}>` : `[<${a.name}>]`);
  words.push('[options]');
  return `Usage: ${words.join(' ')}`;
};

/** The help of one command: usage, what it does, its arguments, options, subcommands and examples. */
export const helpText = (command: CommandSpec, path: readonly string[]): string => {
  const out: string[] = [usageLine(command, path), '', command.summary];
  if (command.description?.length) out.push('', ...command.description);
  if (command.subcommands?.length)
    out.push(
      '',
      'Commands:',
      ...columns(command.subcommands.map((c) => [c.name, c.summary] as const)),
      '',
      `Run \`dossier ${[...path, '<command>'].join(' ')} --help\` for the help of one command.`,
    );
  if (command.args?.length)
    out.push('', 'Arguments:', ...columns(command.args.map((a) => [`<${a.name}>`, a.description] as const)));
  if (command.options?.length)
    out.push(
      '',
      'Options:',
      ...columns(command.options.map((o) => [optionLabel(o), o.description] as const)),
    );
  out.push(
    '',
    'Global options:',
    ...columns(GLOBAL_OPTIONS.map((o) => [optionLabel(o), o.description] as const)),
  );
  if (path.length === 0)
    out.push(
      '',
      'Exit codes:',
      ...columns([
        [String(EXIT.ok), 'done (verify: everything verified)'],
        [String(EXIT.failed), 'a check failed: broken hash chain, digest not holding, failed read model'],
        [String(EXIT.usage), 'bad usage'],
        [String(EXIT.error), 'the work could not be done (no store, no such archive, a database error)'],
        [String(EXIT.interrupted), 'stopped by Ctrl-C, cleanly (nothing half-written)'],
      ]),
    );
  if (command.examples?.length) out.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return out.join('\n') + '\n';
};
