import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandHandler, fixedClock } from '@dossier/core';
import { aCreateArchive } from '@dossier/core/testing';
import { openSqliteStore } from '@dossier/sqlite';
import { masterKeyFile } from './master-key';
import { parseStoreUrl, redact } from './store-url';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

const runOnce = (env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [MAIN, '--once'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    status: r.status,
    stderr: r.stderr,
    lines: r.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
};

describe('the worker as its own process (issue #6, deployment)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dossier-worker-main-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('store URLs: sqlite:<path> (the default form) or postgres://…; passwords never reach a log line', () => {
    expect(parseStoreUrl('sqlite:./data/dossier.db')).toEqual({ kind: 'sqlite', path: './data/dossier.db' });
    expect(parseStoreUrl('sqlite:///var/lib/dossier.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/dossier.db',
    });
    expect(parseStoreUrl('postgres://u:p@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h/db' });
    expect(() => parseStoreUrl('sqlite::memory:')).toThrow(/database file/);
    expect(() => parseStoreUrl('mysql://u:secret@h/db')).toThrow(/unsupported/);
    expect(() => parseStoreUrl('mysql://u:secret@h/db')).not.toThrow(/secret/);
    expect(redact('postgres://dossier:s3cret@db:5432/x')).toBe('postgres://dossier:***@db:5432/x');
  });

  it('master key: created once beside the database with mode 0600, then reused; a key file others can read is refused', () => {
    const path = join(dir, 'master.key');
    const first = masterKeyFile(path);
    expect(first).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(masterKeyFile(path)).toEqual(first);
    writeFileSync(join(dir, 'open.key'), readFileSync(path), { mode: 0o644 });
    expect(() => masterKeyFile(join(dir, 'open.key'))).toThrow(/readable by others/);
  });

  it('§3 `node dist/main.js --once` on the default SQLite layout: key file on first use, findings recorded and logged as JSON lines', async () => {
    const db = join(dir, 'data', 'dossier.db');
    const env = { DOSSIER_STORE_URL: `sqlite:${db}`, DOSSIER_MASTER_KEY: '', DOSSIER_WORKER_ID: 'solo' };
    const empty = runOnce(env);
    expect(empty.stderr).toBe('');
    expect(empty.status).toBe(0);
    expect(empty.lines[0]).toMatchObject({
      msg: 'worker started',
      store: 'sqlite',
      timeZone: 'Asia/Shanghai',
    });
    expect(empty.lines.at(-1)).toMatchObject({ msg: 'tick', recorded: 0 });
    expect(statSync(join(dir, 'data', 'master.key')).mode & 0o777).toBe(0o600);

    // an archive with a receipt three days old, written with the key the worker created
    const store = openSqliteStore({ path: db, masterKey: masterKeyFile(join(dir, 'data', 'master.key')) });
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const handler = commandHandler({
      store: store.events,
      keys: store.keys,
      clock: fixedClock(threeDaysAgo),
    });
    await handler.execute(aCreateArchive('a1'));
    await handler.execute({
      type: 'RecordInformation',
      commandId: 'i1',
      archiveId: 'a1',
      actor: { id: 'mm-1', role: 'marketing_manager', department: 'marketing' },
      receiptId: 'r1',
      channel: 'email',
      summary: '迁址',
      receivedAt: threeDaysAgo,
    });
    await store.close();

    const run = runOnce(env);
    expect(run.status).toBe(0);
    const recorded = run.lines.filter((l) => l.msg === 'finding recorded');
    expect(recorded.map((l) => l.finding)).toEqual(['UpdateSlaBreached']);
    expect(recorded[0]).toMatchObject({ worker: 'solo', archiveId: 'a1', findingKey: 'sla-breached:r1' });
    expect(runOnce(env).lines.filter((l) => l.msg === 'finding recorded')).toEqual([]); // once
  });
});
