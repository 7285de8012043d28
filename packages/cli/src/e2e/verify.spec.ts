/* verify, digest: exit codes, output, and a tampered database named to the position. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { copyOfDemoStore, withDatabase } from '../testing/stores';

const stores: TempStore[] = [];
const demoStore = (options?: { keys?: boolean }) => {
  const s = copyOfDemoStore(options);
  stores.push(s);
  return s;
};
afterAll(() => stores.forEach((s) => s.remove()));

const headOf = (s: TempStore) =>
  withDatabase(s.db, (db) => (db.prepare('SELECT max(position) AS p FROM events').get() as { p: number }).p);

/** Change one event's data in place, as someone editing the database file would. */
const tamper = (s: TempStore, type = 'ArchiveUpdated') =>
  withDatabase(s.db, (db) => {
    const row = db
      .prepare(
        `SELECT position, stream_id AS streamId, revision FROM events WHERE type = ? ORDER BY position LIMIT 1 OFFSET 3`,
      )
      .get(type) as { position: number; streamId: string; revision: number };
    db.prepare(
      `UPDATE events SET data = json_set(data, '$.reason', 'nothing to see here') WHERE position = ?`,
    ).run(row.position);
    return row;
  });

describe('dossier verify', () => {
  it('verifies every chain of an intact log, with progress on stderr', async () => {
    const s = demoStore();
    const r = await runCli(['--store', s.url, 'verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^verified: ${headOf(s)} events in \\d+ streams up to position ${headOf(s)}`),
    );
    expect(r.stderr).toContain(`verify: starting, ${headOf(s).toLocaleString('en-US')} events to go`);
    expect(r.stderr).toMatch(/verify: [\d,]+ events in \d+ streams checked/);
    const quiet = await runCli(['--store', s.url, 'verify', '--quiet', '--json']);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(quiet.stdout)).toMatchObject({ verified: true, log: { events: headOf(s) } });
  });

  it('verifies one archive: its stream and its read log; an unknown one exits 3', async () => {
    const s = demoStore();
    const r = await runCli(['--store', s.url, 'verify', 'demo-0001']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/archive-demo-0001: \d+ events/);
    expect(r.stdout).toMatch(/read-log-demo-0001: \d+ events/);
    const unknown = await runCli(['--store', s.url, 'verify', 'no-such-archive']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('archive no-such-archive does not exist');
  });

  it('a tampered event: exit 1, naming stream, revision, global position and reason', async () => {
    const s = demoStore();
    const before = await runCli(['--store', s.url, 'digest', '--quiet']);
    const digestFile = join(s.dir, 'digest.json');
    writeFileSync(digestFile, before.stdout);
    const bad = tamper(s);

    const r = await runCli(['--store', s.url, 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BROKEN LINK');
    expect(r.stdout).toContain(`stream    ${bad.streamId}`);
    expect(r.stdout).toContain(`revision  ${bad.revision}`);
    expect(r.stdout).toContain(`position  ${bad.position}`);
    expect(r.stdout).toContain('reason    hash-mismatch');

    const json = await runCli(['--store', s.url, 'verify', '--json', '--quiet']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      verified: false,
      log: {
        brokenLink: {
          streamId: bad.streamId,
          revision: String(bad.revision),
          position: String(bad.position),
          eventType: 'ArchiveUpdated',
          reason: 'hash-mismatch',
        },
      },
    });

    const one = await runCli(['--store', s.url, 'verify', bad.streamId.slice('archive-'.length)]);
    expect(one.code).toBe(1);
    expect(one.stdout).toContain(`position  ${bad.position}`);

    const digest = await runCli(['--store', s.url, 'verify', '--digest', digestFile, '--quiet']);
    expect(digest.code).toBe(1);
    expect(digest.stdout).toContain(`position  ${bad.position}`);

    // no digest of a log that does not verify
    const refused = await runCli(['--store', s.url, 'digest', '--quiet']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toContain('does not verify');
  });

  it('a stream whose last event was deleted: exit 1, the stream head named', async () => {
    const s = demoStore();
    const last = withDatabase(s.db, (db) => {
      const row = db
        .prepare(
          `SELECT position, stream_id AS streamId, revision FROM events WHERE stream_id = 'archive-demo-0002' ORDER BY revision DESC LIMIT 1`,
        )
        .get() as { position: number; streamId: string; revision: number };
      db.prepare('DELETE FROM events WHERE position = ?').run(row.position);
      return row;
    });
    const r = await runCli(['--store', s.url, 'verify', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('reason    head-mismatch');
    expect(r.stdout).toContain(`stream    ${last.streamId}`);
    expect(r.stdout).toContain(`revision  ${last.revision}`);
  });
});

describe('dossier digest and verify --digest', () => {
  it('a digest holds while nothing up to it changes', async () => {
    const s = demoStore();
    const d = await runCli(['--store', s.url, 'digest']);
    expect(d.code).toBe(0);
    const digest = JSON.parse(d.stdout) as Record<string, unknown>;
    expect(digest).toMatchObject({ version: 'v1', algorithm: 'Ed25519', position: String(headOf(s)) });
    expect(digest.token).toMatch(/^v1\.\d+\.[0-9a-f]{64}\.[A-Za-z0-9_-]+$/);
    const file = join(s.dir, 'digest.json');
    writeFileSync(file, d.stdout);
    const ok = await runCli(['--store', s.url, 'verify', '--digest', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`digest holds: nothing up to position ${headOf(s)}`);
    // the token alone will do
    writeFileSync(file, `${digest.token as string}\n`);
    expect((await runCli(['--store', s.url, 'verify', '--digest', file, '--quiet'])).code).toBe(0);
  });

  it('a digest altered, or signed by another key, does not hold; without the key it cannot be checked', async () => {
    const s = demoStore();
    const d = JSON.parse((await runCli(['--store', s.url, 'digest', '--quiet'])).stdout) as { token: string };
    const parts = d.token.split('.');
    const forged = [parts[0], parts[1], 'f'.repeat(64), parts[3]].join('.');
    const file = join(s.dir, 'forged.txt');
    writeFileSync(file, forged);
    const r = await runCli(['--store', s.url, 'verify', '--digest', file, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DIGEST DOES NOT HOLD (signature-invalid)');

    rmSync(join(s.dir, 'signing.key'));
    const keyless = await runCli(['--store', s.url, 'verify', '--digest', file, '--quiet']);
    expect(keyless.code).toBe(3);
    expect(keyless.stderr).toContain('no digest signing key');

    writeFileSync(file, 'not a digest');
    expect((await runCli(['--store', s.url, 'verify', '--digest', file])).code).toBe(3);
  });
});
