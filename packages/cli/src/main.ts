#!/usr/bin/env node
/*
 * The `dossier` command: `dossier --help` lists the commands, `dossier <command> --help` explains one.
 * Each command's module is loaded only when it runs, so help and light commands start fast.
 */
import type { ParsedCommandLine } from './cli/args';
import { CommandLineError, parseCommandLine } from './cli/args';
import { ROOT } from './cli/commands';
import type { CommandContext } from './cli/context';
import { makeContext } from './cli/context';
import type { ExitCode } from './cli/errors';
import { CommandError, EXIT, Interrupted, UsageError } from './cli/errors';
import { helpText, usageLine } from './cli/help';
import type { Interrupts } from './cli/interrupt';
import { handleInterrupts } from './cli/interrupt';

const say = (text: string) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);

const usageHint = (parsed: Pick<ParsedCommandLine, 'command' | 'path'>) =>
  `${usageLine(parsed.command, parsed.path)}\nRun \`${['dossier', ...parsed.path, '--help'].join(' ')}\` for help.`;

/** Services install their own signal handlers (they stop on Ctrl-C with exit 0). */
const noInterrupts: Interrupts = {
  signal: new AbortController().signal,
  onForcedExit: () => () => undefined,
  dispose: () => undefined,
};

const failure = (e: unknown, parsed: ParsedCommandLine, ctx: CommandContext): ExitCode => {
  const name = ['dossier', ...parsed.path].join(' ');
  if (e instanceof Interrupted || ctx.signal.aborted) {
    say(`${name}: interrupted; nothing half-written was left`);
    return EXIT.interrupted;
  }
  if (e instanceof UsageError) {
    say(`${name}: ${e.message}\n${usageHint(parsed)}`);
    return EXIT.usage;
  }
  if (e instanceof CommandError) {
    say(`${name}: ${e.message}`);
    return e.exitCode;
  }
  say(`${name}: ${(e as Error)?.message ?? String(e)}`);
  if (process.env.DOSSIER_DEBUG) say(String((e as Error)?.stack));
  return EXIT.error;
};

const main = async (argv: readonly string[]): Promise<ExitCode | 'handed-over'> => {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(ROOT, argv);
  } catch (e) {
    if (!(e instanceof CommandLineError)) throw e;
    say(`dossier: ${e.message}\n${usageHint(e)}`);
    return EXIT.usage;
  }
  if (parsed.help) {
    process.stdout.write(helpText(parsed.command, parsed.path));
    return EXIT.ok;
  }
  const run = parsed.command.run;
  if (!run) {
    process.stderr.write(helpText(parsed.command, parsed.path));
    return EXIT.usage;
  }
  const interrupts = parsed.command.service ? noInterrupts : handleInterrupts(process.stderr);
  const ctx = makeContext({
    options: parsed.options,
    positionals: parsed.positionals,
    env: process.env,
    interrupts,
  });
  try {
    const code = await run(ctx);
    return code === 'handed-over' ? code : (code as ExitCode);
  } catch (e) {
    return failure(e, parsed, ctx);
  } finally {
    interrupts.dispose();
  }
};

// a reader that stops early (`dossier export | head`) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code === 'handed-over') return;
    process.exitCode = code;
    // everything is closed by now; should a handle linger, it does not keep the command alive
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (e: unknown) => {
    say(`dossier: ${(e as Error)?.stack ?? String(e)}`);
    process.exit(EXIT.error);
  },
);
