/* export: the whole log for an auditor, personal values as the operator's key allows. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCli } from '../testing/run-cli';
import type { TempStore } from '../testing/stores';
import { copyOfDemoStore, withDatabase } from '../testing/stores';

interface Line {
  position: string;
  recordedAt: string;
  streamId: string;
  archiveId: string | null;
  type: string;
  data: Record<string, unknown>;
  hash: string;
}

let store: TempStore;
let lines: Line[];
let destroyed: Set<string>;

const exportLines = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

/** A small RFC 4180 reader (quoted fields may hold commas, quotes and line breaks). */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
};

beforeAll(async () => {
  store = copyOfDemoStore();
  const out = join(store.dir, 'history.jsonl');
  const r = await runCli(['--store', store.url, 'export', '--out', out]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/export: \d+ events of the log up to position \d+ written to/);
  expect(r.stderr).toMatch(/personal values: \d+ opened, 0 withheld, \d+ destroyed/);
  lines = exportLines(readFileSync(out, 'utf8'));
  destroyed = new Set(lines.filter((l) => l.type === 'ArchiveDestroyed').map((l) => l.archiveId!));
});
afterAll(() => store?.remove());

describe('dossier export', () => {
  it('every event of the log, in global order, with its hashes, readable by the owner only', () => {
    const head = withDatabase(
      store.db,
      (db) => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
    );
    expect(lines).toHaveLength(head);
    expect(lines.map((l) => Number(l.position))).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(lines.every((l) => /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);
    expect(statSync(join(store.dir, 'history.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('personal values opened where the key allows, destroyed ones marked, none left sealed', () => {
    expect(JSON.stringify(lines)).not.toContain('$pii');
    expect(destroyed.size).toBeGreaterThan(0);
    const created = lines.filter((l) => l.type === 'ArchiveCreated');
    for (const c of created) {
      const profile = c.data.profile as { company: { bankAccount?: unknown }; people: unknown };
      if (destroyed.has(c.archiveId!)) {
        expect(profile.people).toEqual({ $redacted: 'destroyed' });
        if (profile.company.bankAccount !== undefined)
          expect(profile.company.bankAccount).toEqual({ $redacted: 'destroyed' });
      } else {
        expect(Array.isArray(profile.people)).toBe(true);
        if (profile.company.bankAccount !== undefined)
          expect(typeof profile.company.bankAccount).toBe('string');
      }
    }
    const contacts = lines.filter((l) => l.type === 'ContactLogged' && !destroyed.has(l.archiveId!));
    expect(contacts.every((l) => typeof l.data.withWhom === 'string')).toBe(true);
  });

  it('withheld on request, or where the master key is not the one that wrapped the keys', async () => {
    const asked = await runCli(['--store', store.url, 'export', '--withhold-personal', '--quiet']);
    const other = await runCli(['--store', store.url, 'export', '--quiet'], {
      env: { DOSSIER_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    for (const r of [asked, other]) {
      expect(r.code).toBe(0);
      const got = exportLines(r.stdout);
      expect(got).toHaveLength(lines.length);
      const open = got.find((l) => l.type === 'ArchiveCreated' && !destroyed.has(l.archiveId!))!;
      expect((open.data.profile as { people: unknown }).people).toEqual({ $personal: 'withheld' });
      const gone = got.find((l) => l.type === 'ArchiveCreated' && destroyed.has(l.archiveId!))!;
      expect((gone.data.profile as { people: unknown }).people).toEqual({ $redacted: 'destroyed' });
    }
    expect(other.stderr).toMatch(
      /personal values withheld: the master key \(DOSSIER_MASTER_KEY\) does not open them/,
    );
  });

  it('CSV: a header and one row per event, the data as JSON', async () => {
    const r = await runCli(['--store', store.url, 'export', '--format', 'csv', '--quiet']);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]!.slice(0, 4)).toEqual(['position', 'recorded_at', 'stream_id', 'archive_id']);
    expect(rows).toHaveLength(lines.length + 1);
    const dataColumn = rows[0]!.indexOf('data');
    rows.slice(1).forEach((row, i) => {
      expect(row).toHaveLength(rows[0]!.length);
      expect(row[0]).toBe(lines[i]!.position);
      expect(JSON.parse(row[dataColumn]!)).toEqual(lines[i]!.data);
    });
  });

  it('a window of recorded time: --from inclusive, --to exclusive', async () => {
    const from = lines[100]!.recordedAt;
    const to = lines[400]!.recordedAt;
    const r = await runCli(['--store', store.url, 'export', '--from', from, '--to', to, '--quiet']);
    expect(r.code).toBe(0);
    const expected = lines.filter((l) => l.recordedAt >= from && l.recordedAt < to).map((l) => l.position);
    expect(exportLines(r.stdout).map((l) => l.position)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('leaves no temporary file beside the output', () => {
    expect(readdirSync(store.dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
