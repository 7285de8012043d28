/* Run one of the compiled child scripts (dist/testing/*.js) and follow its output line by line. */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface Child {
  readonly proc: ChildProcess;
  /** Complete stdout lines so far. */
  readonly lines: string[];
  stderr(): string;
  /** Resolve with the first line (seen so far or later) that satisfies `pred`. */
  waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Write one line to the child's stdin. */
  send(line: string): void;
  /** Send `signal` and wait until the process is gone and its output fully read. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const spawnChild = (script: string, env: Record<string, string>): Child => {
  const file = path.resolve(__dirname, '../../dist/testing', `${script}.js`);
  if (!existsSync(file))
    throw new Error(`${file} is missing: compile the package (tsc -b packages/postgres)`);
  const proc = spawn(process.execPath, [file], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const watchers = new Set<() => void>();
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of [...watchers]) w();
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      for (const w of [...watchers]) w();
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    lines,
    stderr: () => err,
    waitFor(pred, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (hit !== undefined) {
            done();
            resolve(hit);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            done();
            reject(
              new Error(`${script} exited (${proc.exitCode ?? proc.signalCode}) first; stderr:\n${err}`),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script}: no matching line within ${timeoutMs} ms; stderr:\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      });
    },
    send(line) {
      proc.stdin!.write(`${line}\n`);
    },
    async kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return closed;
    },
  };
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
