/**
 * The port through which the projection runner commits a batch of read-model changes: SQL statements built
 * by the read models and the guarded moves of their checkpoints, applied in one transaction. An adapter may
 * run it elsewhere (the SQLite adapter writes on a thread of its own) while the runner folds the next batch;
 * commits are applied in the order they were handed over.
 */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /**
   * The statement must change exactly this many rows, or the whole commit is abandoned with
   * `WriteExpectationFailed` (the runner's guard: a checkpoint moves on only from where it was found).
   */
  readonly expectChanges?: number;
}

export interface ReadModelWriter {
  /** Apply every statement in order in one transaction; nothing is applied when one fails. */
  commit(statements: readonly SqlStatement[]): Promise<void>;
  /** Stop after what was handed over has been applied (or has failed). */
  close(): Promise<void>;
}

/** A statement of a commit changed another number of rows than it expected: nothing of the commit applied. */
export class WriteExpectationFailed extends Error {
  constructor(
    readonly sql: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`expected ${expected} changed row(s), got ${actual}: ${sql}`);
    this.name = 'WriteExpectationFailed';
  }
}

/** How a writer running elsewhere (on a thread of its own) reports a commit that failed. */
export interface WriteFailureReport {
  readonly message: string;
  readonly code?: string;
  readonly expectation?: { readonly sql: string; readonly expected: number; readonly actual: number };
}

/** The error the caller of such a writer sees for a reported failure (a broken guard stays recognisable). */
export const writeFailure = (r: WriteFailureReport): Error =>
  r.expectation
    ? new WriteExpectationFailed(r.expectation.sql, r.expectation.expected, r.expectation.actual)
    : Object.assign(new Error(`read-model writer: ${r.message}`), r.code ? { code: r.code } : {});
