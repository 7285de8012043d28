/* Once per test run: the compiled command must exist, and a demo store is made with it for the specs to copy. */
import { spawnSync } from 'node:child_process';
import { CLI, assertBuilt } from './run-cli';
import { DB_FILE, TEMPLATE_ENV, tempDir } from './stores';

export default function globalSetup(): void {
  assertBuilt();
  const dir = tempDir('dossier-cli-template-');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DOSSIER_')) env[k] = v;
  const r = spawnSync(
    process.execPath,
    [CLI, '--store', `sqlite:${dir}/${DB_FILE}`, 'demo', '--archives', '12', '--quiet'],
    {
      env,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`dossier demo failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  process.env[TEMPLATE_ENV] = dir;
}
