/* dossier start (the main job, as `npm start` runs it) and dossier worker, as processes. */
import { createServer } from 'node:net';
import { runCli, startCli, stopStrayClis } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { copyOfDemoStore } from '../testing/stores';

afterEach(stopStrayClis);

const stores: TempStore[] = [];
const demoStore = () => {
  const s = copyOfDemoStore();
  stores.push(s);
  return s;
};
afterAll(() => stores.forEach((s) => s.remove()));

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('dossier start', () => {
  it('runs the main job on the store until Ctrl-C', async () => {
    const s = demoStore();
    const port = await freePort();
    const run = startCli(['--store', s.url, 'start', '--port', String(port)]);
    await run.waitFor(/Dossier API\s+http:\/\/127\.0\.0\.1:\d+/, 45_000);
    expect(run.stdout()).toContain(`store            ${s.url}`);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SIGINT: stopping');
  });
});

describe('dossier worker', () => {
  it('--once: one tick on the store, then exit 0', async () => {
    const s = demoStore();
    const r = await runCli(['--store', s.url, 'worker', '--once']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; where?: string });
    expect(lines[0]).toMatchObject({ msg: 'worker started', where: s.db });
    expect(lines.at(-1)).toMatchObject({ msg: 'tick' });
  });
});
