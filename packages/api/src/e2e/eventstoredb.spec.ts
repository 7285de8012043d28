/*
 * Events in EventStoreDB, keys and read models beside them (issue #8: "chosen at start-up like the other stores").
 * The EventStoreDB side is the in-process protocol stand-in of packages/eventstoredb: it proves the wiring and
 * the adapter's use of the protocol, not a real server's behaviour.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// the stand-in is test code of packages/eventstoredb (not part of its build): loaded through jest's resolver
interface EsdbStandIn {
  readonly url: string;
  readonly log: { stream(name: string): readonly unknown[] | undefined };
  stop(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEsdbStandIn } = require(
  join(__dirname, '../../../eventstoredb/test/stand-in/esdb-stand-in'),
) as {
  startEsdbStandIn(): Promise<EsdbStandIn>;
};
import type { TestApp } from '../testing/test-app';
import { anArchiveBody, http, startTestApp } from '../testing/test-app';

describe('the app with events in EventStoreDB (protocol stand-in) and keys + read models in SQLite', () => {
  let esdb: EsdbStandIn;
  let t: TestApp;
  const side = join(tmpdir(), `dossier-esdb-side-${process.pid}-${Date.now()}`);

  beforeAll(async () => {
    esdb = await startEsdbStandIn();
    t = await startTestApp({ storeUrl: esdb.url, readModelsUrl: `sqlite:${join(side, 'side.db')}` });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await esdb?.stop();
    rmSync(side, { recursive: true, force: true });
  });

  it('creates, updates and reads an archive; its events are in the EventStoreDB log and its chain verifies', async () => {
    const api = http(t.url);
    const mm = await t.token('marketing_manager', 'mm-1');
    const created = await api.post('/archives', mm, anArchiveBody());
    expect(created.status).toBe(201);
    const id = created.body.archiveId as string;
    const tier = await api.post(`/archives/${id}/tier`, mm, { to: 'A', reason: '前 20%' });
    expect(tier.status).toBe(200);
    const detail = await api.get(`/archives/${id}?after=${tier.body.position}`, mm);
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).toContain('"tier":"A"');
    expect(esdb.log.stream(`archive-${id}`)?.length).toBe(2);
    const verified = await api.get(`/archives/${id}/verify`, await t.token('auditor', 'au-1'));
    expect(verified.status).toBe(200);
    expect(JSON.stringify(verified.body)).toMatch(/verified/);
  }, 30_000);
});
