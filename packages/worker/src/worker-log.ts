// One structured JSON line per thing worth knowing: each recorded finding, each tier review, each failure.

/** Where the worker's log lines go (one JSON object per line); inject your own to collect or forward them. */
export type WorkerLog = (line: string) => void;

export const stdoutLog: WorkerLog = (line) => {
  process.stdout.write(`${line}\n`);
};

const plain = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : value;

export const writeLine = (log: WorkerLog, entry: Record<string, unknown>): void => {
  log(JSON.stringify(entry, plain));
};
