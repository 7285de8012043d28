import { setImmediate as nextTurn } from 'node:timers/promises';

/** Exit codes of every `dossier` command (also printed by `dossier --help`). */
export const EXIT = {
  /** Done; for `verify`, everything verified. */
  ok: 0,
  /** The check failed: a broken hash chain, a digest that does not hold, a read model that failed. */
  failed: 1,
  /** Bad usage: unknown command or option, a missing or malformed argument. */
  usage: 2,
  /** The work could not be done: no store there, no such archive, a database error. */
  error: 3,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM, cleanly. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage: the message is printed with the command's usage line. */
export class UsageError extends Error {}

/** The work could not be done (exit 3 unless told otherwise). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
  ) {
    super(message);
  }
}

/** Thrown where long work notices that it was asked to stop. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

export const throwIfAborted = (signal: AbortSignal): void => {
  if (signal.aborted) throw new Interrupted();
};

/**
 * A safe point of long work: let the event loop turn (the stores answer synchronously underneath their
 * promises, so without this a Ctrl-C would only be seen once the work is over), then stop if asked to.
 */
export const stopPoint = async (signal: AbortSignal): Promise<void> => {
  await nextTurn();
  throwIfAborted(signal);
};
