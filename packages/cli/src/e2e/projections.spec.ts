/* projections status, rebuild (side by side, then take over), and the runner alone. */
import { readdirSync, writeFileSync } from 'node:fs';
import { runCli, startCli, stopStrayClis } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { copyOfDemoStore, withDatabase } from '../testing/stores';

afterEach(stopStrayClis);

const stores: TempStore[] = [];
const demoStore = () => {
  const s = copyOfDemoStore();
  stores.push(s);
  return s;
};
afterAll(() => stores.forEach((s) => s.remove()));

const rowsOf = (s: TempStore, table: string, order: string) =>
  withDatabase(s.db, (db) => db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all());
const checkpointOf = (s: TempStore, name: string) =>
  withDatabase(
    s.db,
    (db) =>
      db.prepare('SELECT position, state, error FROM projection_checkpoints WHERE name = ?').get(name) as {
        position: number;
        state: string;
        error: string | null;
      },
  );
/** What a rebuild builds its copy in: a scratch file beside the database, or tables beside the live ones. */
const copiesIn = (s: TempStore) => [
  ...readdirSync(s.dir).filter((f) => f.includes('.rebuild-')),
  ...withDatabase(s.db, (db) =>
    db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%rebuild%'`).all(),
  ),
];

describe('dossier projections status', () => {
  it('lag per read model, from the checkpoints in the database', async () => {
    const s = demoStore();
    const r = await runCli(['--store', s.url, 'projections', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^read model\s+version\s+active\s+checkpoint\s+lag\s+state$/m);
    expect(r.stdout).toMatch(/^archive-list\s+1\s+yes\s+[\d,]+\s+0\s+live$/m);
    const json = JSON.parse((await runCli(['--store', s.url, 'projections', 'status', '--json'])).stdout) as {
      head: string;
      readModels: { name: string; lag: string; active: boolean }[];
    };
    expect(json.readModels.map((m) => m.name)).toEqual(
      expect.arrayContaining(['archive-list', 'archive-detail', 'change-history', 'api-entity-index']),
    );
    expect(json.readModels.every((m) => m.lag === '0' && m.active)).toBe(true);
  });

  it('during a rebuild stream by stream, the lag is the head less the events the pass has committed', async () => {
    const s = demoStore();
    const head = checkpointOf(s, 'sla-board').position;
    // what the runner's stream pass keeps while it runs: the checkpoint still at 0, a cursor and a count
    withDatabase(s.db, (db) => {
      db.prepare(
        `CREATE TABLE IF NOT EXISTS projection_stream_pass (name text not null, version integer not null,
         up_to bigint not null, stream_id text not null, revision bigint not null, events bigint not null,
         primary key (name, version))`,
      ).run();
      db.prepare(
        `UPDATE projection_checkpoints SET position = 0, state = 'catching_up' WHERE name = 'sla-board'`,
      ).run();
      db.prepare(`INSERT INTO projection_stream_pass VALUES ('sla-board', 1, ?, 'archive-x', 3, 100)`).run(
        head,
      );
    });
    const json = JSON.parse((await runCli(['--store', s.url, 'projections', 'status', '--json'])).stdout) as {
      head: string;
      readModels: {
        name: string;
        lag: string;
        checkpoint: string;
        pass?: { events: string; upTo: string };
      }[];
    };
    const sla = json.readModels.find((m) => m.name === 'sla-board')!;
    expect(sla).toMatchObject({
      checkpoint: '0',
      lag: String(BigInt(json.head) - 100n),
      pass: { events: '100', upTo: String(head) },
    });
    expect(json.readModels.find((m) => m.name === 'archive-list')!.pass).toBeUndefined();
  });

  it('exits 1 when an active read model failed, and says why', async () => {
    const s = demoStore();
    withDatabase(s.db, (db) =>
      db
        .prepare(
          `UPDATE projection_checkpoints SET state = 'failed', error = 'projection sla-board stopped at event position 7' WHERE name = 'sla-board'`,
        )
        .run(),
    );
    const r = await runCli(['--store', s.url, 'projections', 'status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^sla-board\s+1\s+yes\s+[\d,]+\s+0\s+failed$/m);
    expect(r.stdout).toContain('sla-board v1: projection sla-board stopped at event position 7');
  });
});

describe('dossier projections rebuild', () => {
  it('rebuilds damaged rows from the log and takes over at the live checkpoint', async () => {
    const s = demoStore();
    const before = rowsOf(s, 'rm_archive_list_v1', 'archive_id');
    const checkpoint = checkpointOf(s, 'archive-list');
    withDatabase(s.db, (db) => {
      db.prepare(`DELETE FROM rm_archive_list_v1 WHERE archive_id IN ('demo-0001', 'demo-0002')`).run();
      db.prepare(`UPDATE rm_archive_list_v1 SET tier = 'Z'`).run();
    });
    // what a rebuild killed hard would have left
    writeFileSync(`${s.db}.rebuild-archive-list.tmp`, 'junk');
    const r = await runCli(['--store', s.url, 'projections', 'rebuild', 'archive-list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `rebuilt archive-list v1: the new copy took over at position ${checkpoint.position}`,
    );
    expect(r.stderr).toMatch(/rebuild archive-list: [\d,]+ events read into a new copy/);
    expect(rowsOf(s, 'rm_archive_list_v1', 'archive_id')).toEqual(before);
    expect(checkpointOf(s, 'archive-list')).toEqual(checkpoint);
    expect(copiesIn(s)).toEqual([]);
  });

  it('with no runner moving the live rows, the copy takes over at the head of the log', async () => {
    const s = demoStore();
    const before = rowsOf(s, 'rm_change_history_v2', 'position, seq');
    const head = checkpointOf(s, 'change-history').position;
    withDatabase(s.db, (db) => {
      db.prepare('DELETE FROM rm_change_history_v2 WHERE position > 300').run();
      db.prepare(
        `UPDATE projection_checkpoints SET position = 300, state = 'failed', error = 'boom' WHERE name = 'change-history'`,
      ).run();
    });
    const r = await runCli(['--store', s.url, 'projections', 'rebuild', 'change-history', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`took over at position ${head} (the live one stood at 300)`);
    expect(rowsOf(s, 'rm_change_history_v2', 'position, seq')).toEqual(before);
    expect(checkpointOf(s, 'change-history')).toEqual({ position: head, state: 'live', error: null });
  });

  it('a read model this store never built: exit 3', async () => {
    const s = demoStore();
    const r = await runCli(['--store', s.url, 'projections', 'rebuild', 'pending-deadlines']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('read model pending-deadlines was never built here');
    expect(copiesIn(s)).toEqual([]);
  });
});

describe('dossier projections (the runner alone)', () => {
  it('projects until Ctrl-C, then stops cleanly', async () => {
    const s = demoStore();
    withDatabase(s.db, (db) => {
      db.prepare(`DELETE FROM rm_tier_movements_v1`).run();
      db.prepare(`UPDATE projection_checkpoints SET position = 0 WHERE name = 'tier-movements'`).run();
    });
    const run = startCli(['--store', s.url, 'projections'], {
      env: { DOSSIER_PROJECTIONS_REPORT_MS: '100' },
    });
    await run.waitFor(/\[dossier\] projections running on/);
    await run.waitFor(/\[dossier\] \d+ read models, largest lag 0\b/);
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('SIGINT: stopping the projections');
    expect(checkpointOf(s, 'tier-movements').position).toBe(checkpointOf(s, 'archive-list').position);
  });
});
