/* The compiled `dossier` command as a child process, for the end-to-end specs. */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'main.js');

export const assertBuilt = (): void => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build first (tsc -b packages/cli; turbo builds before test)`);
};

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a run: none of the developer's DOSSIER_* settings, frequent plain progress lines. */
const envFor = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DOSSIER_')) env[k] = v;
  return { ...env, DOSSIER_PROGRESS_MS: '50', ...extra };
};

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr (as they are so far) match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<CliResult>;
}

const started = new Set<ChildProcess>();

/** Kill what a failed spec left running (use in afterEach), so that jest can end. */
export const stopStrayClis = (): void => {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
};

export const startCli = (
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): RunningCli => {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: envFor(options.env),
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.on('exit', () => started.delete(child));
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...watchers]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const w of [...watchers]) w();
  });
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const w of [...watchers]) w();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  let closed = false;
  void exited.then(() => (closed = true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern) ?? err.match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (closed) {
            done();
            reject(new Error(`exited before ${pattern}:\nstdout: ${out}\nstderr: ${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\nstdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      });
    },
  };
};

/** Run to the end. */
export const runCli = (
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> => startCli(args, options).exited;
