#!/usr/bin/env node
// The two commands a new user runs: `npm start` and `npm test`.
// On first use this installs the pinned pnpm into .tools/ (no global install, no corepack),
// installs the workspace with the frozen lockfile, builds, and then runs the requested job.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pnpmVersion = require(path.join(root, 'package.json')).packageManager.split('@')[1];
const toolsDir = path.join(root, '.tools');
const pnpmBin = path.join(toolsDir, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (res.error) throw res.error;
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function pnpm(args, opts) {
  run(process.execPath, [pnpmBin, ...args], opts);
}

function ensurePnpm() {
  if (fs.existsSync(pnpmBin)) return;
  console.log(`[dossier] installing pnpm ${pnpmVersion} into .tools/ (first use only)`);
  fs.mkdirSync(toolsDir, { recursive: true });
  run('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-save',
    '--no-audit',
    '--no-fund',
    `pnpm@${pnpmVersion}`,
  ]);
}

function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lock = path.join(root, 'pnpm-lock.yaml');
  const stamp = path.join(root, 'node_modules', '.dossier-installed');
  const fresh =
    fs.existsSync(marker) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8') === fs.readFileSync(lock, 'utf8').length + ':' + fs.statSync(lock).mtimeMs;
  if (fresh) return;
  console.log('[dossier] installing dependencies with pnpm (first use; better-sqlite3 compiles from source)');
  pnpm(['install', '--frozen-lockfile'], { env });
  fs.writeFileSync(stamp, fs.readFileSync(lock, 'utf8').length + ':' + fs.statSync(lock).mtimeMs);
}

// eslint-disable-next-line no-control-regex -- colour codes jest writes to a terminal
const ANSI = /\x1b\[[0-9;]*m/g;

/** Run every package's tests (streamed as they come) and add up jest's "Tests:" lines. */
function runTests() {
  const { spawn } = require('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pnpmBin, 'run', 'test:unit'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const counts = { passed: 0, failed: 0, skipped: 0, status: 1 };
    let pending = '';
    const scan = (line) => {
      const m = /Tests:\s+(.*)\s+total/.exec(line.replace(ANSI, ''));
      if (!m) return;
      for (const [, n, what] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g))
        if (what in counts) counts[what] += Number(n);
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop();
      lines.forEach(scan);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      scan(pending);
      counts.status = code ?? 1;
      resolve(counts);
    });
  });
}

const job = process.argv[2];
const rest = process.argv.slice(3);
// turbo and the package scripts find the pinned pnpm on the PATH
const env = {
  ...process.env,
  PATH: [path.join(toolsDir, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter),
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};
ensurePnpm();
ensureInstalled();
if (job === 'start') {
  pnpm(['run', 'build'], { env });
  pnpm(['run', 'main', ...(rest.length ? ['--', ...rest] : [])], { env });
} else if (job === 'test') {
  pnpm(['run', 'lint'], { env });
  pnpm(['run', 'typecheck'], { env });
  runTests().then(
    (counts) => {
      // one plain closing line over all packages, after turbo's own summary
      console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
      process.exit(counts.status !== 0 ? counts.status : counts.failed > 0 ? 1 : 0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  console.error('usage: node scripts/bootstrap.js start|test');
  process.exit(2);
}
