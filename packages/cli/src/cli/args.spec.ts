import { CommandLineError, parseCommandLine } from './args';
import type { CommandSpec } from './spec';

const run = async () => 0;
const root: CommandSpec = {
  name: 'dossier',
  summary: 'root',
  subcommands: [
    {
      name: 'replay',
      summary: 'replay',
      args: [{ name: 'archive', required: true, description: '' }],
      options: [
        { name: 'at', value: '<time>', description: '' },
        { name: 'json', description: '' },
      ],
      run,
    },
    {
      name: 'projections',
      summary: 'projections',
      run,
      subcommands: [
        {
          name: 'rebuild',
          summary: 'rebuild',
          args: [{ name: 'name', required: true, description: '' }],
          run,
        },
      ],
    },
  ],
};

const fails = (argv: string[], message: RegExp) => {
  let error: unknown;
  try {
    parseCommandLine(root, argv);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CommandLineError);
  expect((error as Error).message).toMatch(message);
};

describe('the command line', () => {
  it('names the command, then takes its arguments and options in any order', () => {
    const p = parseCommandLine(root, [
      '--store',
      'sqlite:x.db',
      'replay',
      '--at=2025-01-01',
      'a-1',
      '--json',
    ]);
    expect(p.path).toEqual(['replay']);
    expect(p.positionals).toEqual(['a-1']);
    expect(Object.fromEntries(p.options)).toEqual({ store: 'sqlite:x.db', at: '2025-01-01', json: true });
    expect(parseCommandLine(root, ['projections', 'rebuild', 'archive-list']).path).toEqual([
      'projections',
      'rebuild',
    ]);
    expect(parseCommandLine(root, ['projections']).path).toEqual(['projections']);
    expect(parseCommandLine(root, ['replay', '--', '--odd-id']).positionals).toEqual(['--odd-id']);
  });

  it('asks for help anywhere, without checking the arguments', () => {
    expect(parseCommandLine(root, ['replay', '--help'])).toMatchObject({ help: true, path: ['replay'] });
    expect(parseCommandLine(root, ['-h'])).toMatchObject({ help: true, path: [] });
  });

  it('refuses what it does not know, and what is missing', () => {
    fails(['bogus'], /unknown command bogus/);
    fails(['projections', 'bogus'], /unknown command projections bogus/);
    fails(['replay'], /missing <archive>/);
    fails(['replay', 'a', 'b'], /unexpected argument b/);
    fails(['replay', 'a', '--revision', '3'], /unknown option --revision/);
    fails(['replay', 'a', '--at'], /--at needs a value/);
    fails(['replay', 'a', '--at', '--json'], /--at needs a value/);
    fails(['replay', 'a', '--json=yes'], /--json takes no value/);
    fails(['replay', 'a', '-x'], /unknown option -x/);
  });
});
