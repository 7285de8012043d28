/* Ctrl-C during long work: exit 130, nothing half-written, the old state intact. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, stopStrayClis } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { addFillerEvents, copyOfDemoStore, withDatabase } from '../testing/stores';

afterEach(stopStrayClis);

let store: TempStore;

/** A plain progress line past the start: the work is under way (and far from done). */
const underWay = (label: string) => new RegExp(`${label}: [\\d,]+/[\\d,]+ events \\(\\d+%\\)`);

beforeAll(async () => {
  store = copyOfDemoStore();
  await addFillerEvents(store, 60_000);
});
afterAll(() => store?.remove());

describe('Ctrl-C', () => {
  it('during export --out: no output file, no temporary file', async () => {
    const out = join(store.dir, 'history.jsonl');
    const run = startCli(['--store', store.url, 'export', '--out', out]);
    await run.waitFor(underWay('export'));
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping cleanly');
    expect(r.stderr).toContain('dossier export: interrupted');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(store.dir).filter((f) => f.includes('history'))).toEqual([]);
  });

  it('twice during export --out: stops at once, and still leaves nothing', async () => {
    const out = join(store.dir, 'twice.csv');
    const run = startCli(['--store', store.url, 'export', '--format', 'csv', '--out', out]);
    await run.waitFor(underWay('export'));
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(readdirSync(store.dir).filter((f) => f.includes('twice'))).toEqual([]);
  });

  it('during a rebuild: the copy is dropped, the live rows stay as they were', async () => {
    const snapshot = () =>
      withDatabase(store.db, (db) => ({
        rows: db.prepare('SELECT * FROM rm_change_history_v2 ORDER BY position, seq').all(),
        checkpoint: db
          .prepare(`SELECT position FROM projection_checkpoints WHERE name = 'change-history'`)
          .get(),
        copies: [
          ...readdirSync(store.dir).filter((f) => f.includes('.rebuild-')),
          ...db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%rebuild%'`).all(),
        ],
      }));
    const before = snapshot();
    const run = startCli(['--store', store.url, 'projections', 'rebuild', 'change-history']);
    await run.waitFor(underWay('rebuild change-history'));
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted; the old rows stay active');
    expect(snapshot()).toEqual(before);
    expect(before.copies).toEqual([]);
  });

  it('during verify', async () => {
    const run = startCli(['--store', store.url, 'verify']);
    await run.waitFor(underWay('verify'));
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
  });
});
