/*
 * A store whose events are in EventStoreDB (the in-process protocol stand-in of packages/eventstoredb), keys
 * and read models in SQLite at DOSSIER_READ_MODELS_URL: the commands find everything where the main job does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { tempStore } from '../testing/stores';

// the stand-in is test code of packages/eventstoredb (not part of its build): loaded through jest's resolver
interface EsdbStandIn {
  readonly url: string;
  stop(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEsdbStandIn } = require(
  join(__dirname, '../../../eventstoredb/test/stand-in/esdb-stand-in'),
) as {
  startEsdbStandIn(): Promise<EsdbStandIn>;
};

let esdb: EsdbStandIn;
let side: TempStore;
let env: Record<string, string>;

beforeAll(async () => {
  esdb = await startEsdbStandIn();
  side = tempStore();
  env = { DOSSIER_READ_MODELS_URL: side.url };
});
afterAll(async () => {
  await esdb?.stop();
  side?.remove();
});

describe('with EventStoreDB', () => {
  it('demo, verify, digest, replay, export and status', async () => {
    const cli = (...args: string[]) => runCli(['--store', esdb.url, ...args], { env });
    const demo = await cli('demo', '--archives', '3', '--days', '120', '--quiet');
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/: 3 archives, [\d,]+ events of \d+ types/);

    const verify = await cli('verify', '--quiet');
    expect(verify.code).toBe(0);
    const events = Number(/verified: (\d+) events/.exec(verify.stdout)![1]);
    expect(events).toBeGreaterThan(10);

    const digest = await cli('digest', '--quiet');
    expect(digest.code).toBe(0);
    const file = join(side.dir, 'digest.json');
    writeFileSync(file, digest.stdout);
    expect((await cli('verify', '--digest', file, '--quiet')).code).toBe(0);

    const replay = await cli('replay', 'demo-0001', '--json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ archiveId: 'demo-0001', archive: { status: 'open' } });

    const exported = await cli('export', '--quiet');
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(events);
    expect(exported.stdout).not.toContain('$pii');

    const status = await cli('projections', 'status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).readModels.length).toBeGreaterThan(5);
  });

  it('without DOSSIER_READ_MODELS_URL: bad usage', async () => {
    const r = await runCli(['--store', esdb.url, 'verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DOSSIER_READ_MODELS_URL is required');
  });
});
