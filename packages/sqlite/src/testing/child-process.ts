import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type ChildScript = 'append-loop' | 'subscribe-loop' | 'contend-writer' | 'read-by-stream';

export interface Child {
  readonly proc: ChildProcess;
  /** Every line printed so far. */
  readonly lines: string[];
  /** Resolves with the first line (already printed or still to come) that matches. */
  waitFor(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, resolved once the process is gone and its last lines are read. */
  kill(): Promise<void>;
}

/** Run one of the compiled test processes from dist/testing/processes (jest.build-dist.js compiles them first). */
export const spawnChild = (script: ChildScript, config: Record<string, unknown>): Child => {
  const file = join(__dirname, '..', '..', 'dist', 'testing', 'processes', `${script}.js`);
  const proc = spawn(process.execPath, [file, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<{ match: (l: string) => boolean; resolve: (l: string) => void }>();
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const out = createInterface({ input: proc.stdout! });
  out.on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters])
      if (w.match(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
  });
  const outClosed = new Promise<void>((resolve) => out.on('close', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  ).then(async (r) => {
    await outClosed;
    return r;
  });
  return {
    proc,
    lines,
    exited,
    waitFor(match, timeoutMs = 20_000) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const w = {
          match,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`${script}: no matching line within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(w);
        void exited.then(() => {
          if (!waiters.has(w)) return;
          waiters.delete(w);
          clearTimeout(timer);
          reject(new Error(`${script} exited before a matching line; stderr: ${stderr}`));
        });
      });
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
};
