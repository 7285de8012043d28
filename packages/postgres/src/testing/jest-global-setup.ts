import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pgReachability, pgRequired } from './index';

const root = path.resolve(__dirname, '../..');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(path.join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [path.join(dir, d.name)]
        : [],
  );

/** Child-process tests run the compiled adapter: compile it when dist/ is missing or older than src/. */
const ensureCompiled = (): void => {
  const stale = sources(path.join(root, 'src')).some((src) => {
    const out = path.join(root, 'dist', path.relative(path.join(root, 'src'), src)).replace(/\.ts$/, '.js');
    return !existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs;
  });
  if (!stale) return;
  const tsc = require.resolve('typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], {
    encoding: 'utf8',
  });
  if (res.status !== 0)
    process.stderr.write(`[dossier/postgres] tsc reported:\n${res.stdout}${res.stderr}\n`);
};

export default async function globalSetup(): Promise<void> {
  const pg = pgReachability();
  if (!pg.ok) {
    const what = pgRequired() ? 'FAILING (DOSSIER_REQUIRE_PG=1)' : 'SKIPPING';
    process.stderr.write(
      `\n[dossier/postgres] PostgreSQL unreachable at ${pg.url}: ${pg.reason}. ${what} the PostgreSQL tests.\n`,
    );
    return;
  }
  ensureCompiled();
}
