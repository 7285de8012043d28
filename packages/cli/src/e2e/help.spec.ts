/* Every command answers --help, and bad usage exits 2 with the usage line. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/run-cli';
import { tempDir } from '../testing/stores';

const COMMANDS = [
  [],
  ['start'],
  ['worker'],
  ['projections'],
  ['projections', 'status'],
  ['projections', 'rebuild'],
  ['replay'],
  ['verify'],
  ['digest'],
  ['export'],
  ['demo'],
];

describe('dossier --help', () => {
  it.each(COMMANDS.map((c) => [c.join(' ') || '(none)', c]))('%s --help', async (_name, words) => {
    for (const flag of ['--help', '-h']) {
      const r = await runCli([...(words as string[]), flag]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout.startsWith(`Usage: ${['dossier', ...(words as string[])].join(' ')}`)).toBe(true);
      expect(r.stdout).toContain('--store <url>');
    }
  });

  it('the top-level help lists every command and the exit codes', async () => {
    const r = await runCli(['--help']);
    for (const c of ['start', 'worker', 'projections', 'replay', 'verify', 'digest', 'export', 'demo'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('130');
  });
});

describe('bad usage exits 2 and shows how to use the command', () => {
  const dir = tempDir();
  const missing = join(dir, 'none.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.each([
    [[], /Usage: dossier <command>/],
    [['bogus'], /unknown command bogus/],
    [['projections', 'bogus'], /unknown command projections bogus/],
    [['replay'], /missing <archive>/],
    [['replay', 'a-1', '--at', 'yesterday'], /--at: yesterday is not an ISO-8601 time/],
    [['replay', 'a-1', '--at', '2025-01-01T00:00:00Z', '--revision', '2'], /--at or --revision, not both/],
    [['replay', 'a-1', '--revision', '-1'], /--revision: -1 is not a revision/],
    [['verify', '--nope'], /unknown option --nope/],
    [['verify', 'a-1', '--digest', 'd.json'], /--digest checks the whole log/],
    [['export', '--format', 'xml'], /--format: xml is not a format/],
    [['export', '--from', '2025-02-01', '--to', '2025-01-01'], /--from must be before --to/],
    [['demo', '--archives', '0'], /--archives: 0 is not a whole number of at least 1/],
    [['--store', 'mysql://db/x', 'verify'], /unsupported store mysql:\/\/db\/x/],
    [
      ['--store', `sqlite:${missing}`, 'projections', 'rebuild', 'nope'],
      /no read model nope: one of archive-list/,
    ],
  ])('%j', async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });

  it('a store that is not there exits 3, and is not created', async () => {
    const r = await runCli(['--store', `sqlite:${missing}`, 'replay', 'a-1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`no store at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});
