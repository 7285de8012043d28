import type { Database, Statement } from 'better-sqlite3';

/** What one queued unit of work decided: keep its writes, or roll back to its savepoint. Either way it answers. */
export type Step<T> = { readonly commit: T } | { readonly rollback: T };

export interface GroupCommitStats {
  /** Transactions committed by the writer (one per flush). */
  readonly commits: number;
  /** Units of work that went through those transactions. */
  readonly units: number;
}

interface Pending<T> {
  readonly work: () => Step<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

interface Settled<T> {
  readonly pending: Pending<T>;
  readonly ok: boolean;
  readonly value: T | unknown;
}

/**
 * Group commit. Work queued in the same turn of the event loop runs in ONE write transaction (BEGIN IMMEDIATE,
 * so other processes wait for the lock), each unit inside its own SAVEPOINT: a unit that rolls back or throws
 * undoes only its own writes. Callers are answered only after COMMIT returned, so with synchronous=FULL an
 * answered write is on disk. A flush runs synchronously, so the next one starts when this one has finished.
 */
export class GroupCommit {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;
  private closed = false;
  private commits = 0;
  private units = 0;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;

  constructor(
    private readonly db: Database,
    private readonly onCommit: () => void,
    private readonly maxUnitsPerCommit = 1000,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT dossier_unit');
    this.release = db.prepare('RELEASE dossier_unit');
    this.rollbackTo = db.prepare('ROLLBACK TO dossier_unit');
  }

  run<T>(work: () => Step<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the SQLite store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Pending<unknown>);
      this.schedule();
    });
  }

  stats(): GroupCommitStats {
    return { commits: this.commits, units: this.units };
  }

  /** Flush everything still queued, then refuse new work. */
  close(): void {
    while (this.queue.length > 0) this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxUnitsPerCommit);
    if (batch.length === 0) return;
    if (this.queue.length > 0) this.schedule();
    let settled: Settled<unknown>[];
    try {
      this.begin.run();
      settled = batch.map((p) => this.runUnit(p));
      this.commit.run();
    } catch (error) {
      // BEGIN or COMMIT failed (lock timeout, disk full, I/O error): nothing of this batch is durable
      if (this.db.inTransaction) this.rollback.run();
      for (const p of batch) p.reject(error);
      return;
    }
    this.commits += 1;
    this.units += batch.length;
    for (const s of settled) {
      if (s.ok) s.pending.resolve(s.value);
      else s.pending.reject(s.value);
    }
    this.onCommit();
  }

  private runUnit(p: Pending<unknown>): Settled<unknown> {
    this.savepoint.run();
    try {
      const step = p.work();
      if ('rollback' in step) {
        this.rollbackTo.run();
        this.release.run();
        return { pending: p, ok: true, value: step.rollback };
      }
      this.release.run();
      return { pending: p, ok: true, value: step.commit };
    } catch (error) {
      this.rollbackTo.run();
      this.release.run();
      return { pending: p, ok: false, value: error };
    }
  }
}
