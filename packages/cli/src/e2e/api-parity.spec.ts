/*
 * The command and the API agree: `replay --at/--revision --json` answers what GET /archives/{id}/as-of answers
 * (the API app started in-process on the same SQLite file, as packages/api/src/testing/test-app.ts starts it),
 * and digests made by either are verified by the other.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ApiSettings, Dossier } from '@dossier/api';
import { composeDossier, createApp, signToken } from '@dossier/api';
import { runCli } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { copyOfDemoStore, withDatabase } from '../testing/stores';

const SECRET = 'cli-spec-secret-0123456789abcdef0123456789';

let store: TempStore;
let dossier: Dossier;
let app: Awaited<ReturnType<typeof createApp>>;
let base: string;
let token: string;

const api = async (path: string) => {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const replayJson = async (args: string[]) => {
  const r = await runCli(['--store', store.url, 'replay', ...args, '--json']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

/** The API's answer without what only a logged HTTP read has (the grant). */
const asOfAnswer = (body: Record<string, unknown>) => {
  const { grant, ...rest } = body;
  expect(typeof grant).toBe('string');
  return rest;
};

const recordedAts = (archiveId: string) =>
  withDatabase(store.db, (db) =>
    (
      db
        .prepare('SELECT revision, recorded_at AS at FROM events WHERE stream_id = ? ORDER BY revision')
        .all(`archive-${archiveId}`) as { revision: number; at: string }[]
    ).map((r) => r.at),
  );

beforeAll(async () => {
  store = copyOfDemoStore();
  // the keys beside the file (as the command finds them): no DOSSIER_MASTER_KEY, no DOSSIER_SIGNING_KEY
  const settings: ApiSettings = {
    storeUrl: store.url,
    host: '127.0.0.1',
    port: 0,
    bodyLimit: 64 * 1024,
    waitTimeoutMs: 5000,
    identity: { secret: SECRET },
    projectionPollMs: 20,
  };
  dossier = await composeDossier(settings);
  app = await createApp(dossier, settings);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  token = await signToken({ sub: 'aud-1', role: 'auditor', department: 'audit', name: '审计员' }, SECRET);
});

afterAll(async () => {
  await app?.close();
  await dossier?.close();
  store?.remove();
});

describe('replay --at and --revision answer what the API’s as-of answers', () => {
  const destroyed = () =>
    withDatabase(store.db, (db) =>
      (
        db.prepare(`SELECT stream_id AS s FROM events WHERE type = 'ArchiveDestroyed'`).all() as {
          s: string;
        }[]
      ).map((r) => r.s.slice('archive-'.length)),
    );

  it('at several moments of two archives, one of them destroyed', async () => {
    const gone = destroyed();
    expect(gone.length).toBeGreaterThan(0);
    for (const archiveId of ['demo-0001', gone[0]!]) {
      const ats = recordedAts(archiveId);
      const moments = [
        ats[1]!, // exactly when an event was recorded: it is included
        new Date(Date.parse(ats[Math.floor(ats.length / 2)]!) - 1).toISOString(),
        ats.at(-1)!,
        new Date(Date.parse(ats.at(-1)!) + 86_400_000).toISOString(),
      ];
      for (const at of moments) {
        const fromApi = await api(`/archives/${archiveId}/as-of?at=${encodeURIComponent(at)}`);
        expect(fromApi.status).toBe(200);
        const { changes, ...fromCli } = await replayJson([archiveId, '--at', at]);
        expect(fromCli).toEqual(asOfAnswer(fromApi.body));
        expect((changes as unknown[]).length).toBe(Number(fromCli.revision) + 1);
      }
    }
  });

  it('at a revision', async () => {
    for (const revision of ['0', '3', '10']) {
      const fromApi = await api(`/archives/demo-0002/as-of?revision=${revision}`);
      const { changes: _changes, ...fromCli } = await replayJson(['demo-0002', '--revision', revision]);
      expect(fromCli).toEqual(asOfAnswer(fromApi.body));
    }
  });

  it('before the archive existed: the API answers 404, the command exits 3', async () => {
    const before = new Date(Date.parse(recordedAts('demo-0001')[0]!) - 1000).toISOString();
    expect((await api(`/archives/demo-0001/as-of?at=${encodeURIComponent(before)}`)).status).toBe(404);
    const r = await runCli(['--store', store.url, 'replay', 'demo-0001', '--at', before]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`archive demo-0001 did not exist at ${before}`);
  });
});

describe('digests: one format, one key', () => {
  it('the API verifies the command’s digest', async () => {
    const r = await runCli(['--store', store.url, 'digest']);
    expect(r.code).toBe(0);
    const digest = JSON.parse(r.stdout) as { token: string; heads: unknown[]; position: string };
    const checked = await api(`/audit/verify?digest=${encodeURIComponent(digest.token)}`);
    expect(checked.body).toMatchObject({ verified: true, digest: { position: digest.position } });
  });

  it('the command verifies the API’s digest', async () => {
    const fromApi = await api('/audit/digest');
    expect(fromApi.status).toBe(200);
    const file = join(store.dir, 'api-digest.json');
    writeFileSync(file, JSON.stringify(fromApi.body));
    const r = await runCli(['--store', store.url, 'verify', '--digest', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`digest holds: nothing up to position ${fromApi.body.position as string}`);
  });
});

describe('a rebuild while the main job runs', () => {
  it('takes over without the API or its runner noticing anything but the rows', async () => {
    const before = await api('/archives?limit=100');
    expect(before.status).toBe(200);
    // reads are recorded (ArchiveRead events): the log and the live checkpoint move during the rebuild
    const rebuilt = runCli(['--store', store.url, 'projections', 'rebuild', 'archive-list', '--quiet']);
    let finished = false;
    void rebuilt.then(() => (finished = true));
    let reads = 0;
    while (!finished) {
      expect((await api(`/archives/demo-000${(reads % 9) + 1}`)).status).toBe(200);
      reads += 1;
    }
    const r = await rebuilt;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/rebuilt archive-list v1: the new copy took over at position \d+/);
    // the API's runner goes on from its own checkpoint, and the list reads the same
    expect((await api('/archives?limit=100')).body.items).toEqual(before.body.items);
    const status = await runCli(['--store', store.url, 'projections', 'status', '--json']);
    const lagOf = (s: string) =>
      (JSON.parse(s) as { readModels: { name: string; lag: string }[] }).readModels.find(
        (m) => m.name === 'archive-list',
      )!.lag;
    expect(Number(lagOf(status.stdout))).toBeLessThan(50);
    expect(status.code).toBe(0); // no read model of the API's runner failed meanwhile
    expect((await dossier.runner.status()).filter((x) => x.state === 'failed')).toEqual([]);
  });
});
