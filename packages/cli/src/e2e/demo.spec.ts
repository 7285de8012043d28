/* dossier demo: into an empty store only, put in place whole, nothing left behind when interrupted. */
import { existsSync, readdirSync } from 'node:fs';
import { runCli, startCli, stopStrayClis } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { tempStore } from '../testing/stores';

afterEach(stopStrayClis);

const stores: TempStore[] = [];
const fresh = () => {
  const s = tempStore();
  stores.push(s);
  return s;
};
afterAll(() => stores.forEach((s) => s.remove()));

describe('dossier demo', () => {
  it('loads the demo company into a new store, with progress, then refuses to load it twice', async () => {
    const s = fresh();
    const r = await runCli(['--store', s.url, 'demo', '--archives', '4', '--days', '365']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo data in sqlite:.*: 4 archives, [\d,]+ events of \d+ types/);
    expect(r.stdout).toMatch(/^\s+ArchiveCreated\s+4$/m);
    expect(r.stderr).toContain('demo: starting, 365 days to go');
    expect(r.stderr).toContain('demo: 4 archives over 365 days');
    expect(readdirSync(s.dir).sort()).toEqual(['dossier.db', 'master.key', 'signing.key']);
    expect((await runCli(['--store', s.url, 'verify', '--quiet'])).code).toBe(0);
    const again = await runCli(['--store', s.url, 'demo', '--archives', '4']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/holds \d+ events already: demo data loads only into an empty store/);
  });

  it('Ctrl-C: no store is left behind', async () => {
    const s = fresh();
    const run = startCli(['--store', s.url, 'demo', '--archives', '300']);
    await run.waitFor(/demo: \d+\/730 days \(\d+%\)/);
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    expect(existsSync(s.db)).toBe(false);
    expect(readdirSync(s.dir).filter((f) => f.includes('.db'))).toEqual([]);
  });
});
