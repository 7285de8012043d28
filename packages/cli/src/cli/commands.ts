/* The commands of `dossier`: what each help shows, and the module that runs it (loaded only when it runs). */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Services from '../commands/services';
import type * as Projections from '../commands/projections';
import type * as Replay from '../commands/replay';
import type * as Verify from '../commands/verify';
import type * as Digest from '../commands/digest';
import type * as Export from '../commands/export';
import type * as Demo from '../commands/demo';
import type { CommandSpec } from './spec';

const json = { name: 'json', description: 'one JSON document on stdout instead of text' };

const start: CommandSpec = {
  name: 'start',
  summary: 'The main job: the API, the read models and the worker in one process (what `npm start` runs)',
  description: [
    'Listens on DOSSIER_HOST:DOSSIER_PORT (127.0.0.1:3000); every DOSSIER_* setting of the API applies',
    '(packages/api/README.md). Ctrl-C stops it.',
  ],
  options: [
    { name: 'demo', description: 'first load the demo data set into an empty store' },
    { name: 'archives', value: '<n>', description: 'with --demo: how many archives (default 300)' },
    { name: 'port', value: '<n>', description: 'listen on this port (default $DOSSIER_PORT, else 3000)' },
  ],
  examples: ['dossier start', 'dossier start --demo', 'dossier --store postgres://dossier@db/dossier start'],
  service: true,
  run: (ctx) => (require('../commands/services') as typeof Services).start(ctx),
};

const worker: CommandSpec = {
  name: 'worker',
  summary: 'The worker alone: durable deadlines recorded as findings (as packages/worker runs it)',
  description: [
    'For a worker process of its own; the main job runs one in-process already. Settings: DOSSIER_TIME_ZONE,',
    'DOSSIER_WORKER_* (packages/worker/README.md). Ctrl-C stops it.',
  ],
  options: [{ name: 'once', description: 'one tick, then exit' }],
  examples: ['dossier worker', 'dossier worker --once'],
  service: true,
  run: (ctx) => (require('../commands/services') as typeof Services).worker(ctx),
};

const projectionsModule = () => require('../commands/projections') as typeof Projections;

const projections: CommandSpec = {
  name: 'projections',
  summary: 'The projection runner alone (the main job’s read models), or their status and rebuilds',
  description: [
    'Without a command: run the read models until Ctrl-C. Beside the main job it is redundant but safe: runners',
    'move a checkpoint only from where they found it, so no event is applied twice.',
  ],
  subcommands: [
    {
      name: 'status',
      summary: 'Lag per read model (events behind the head of the log), from the checkpoints in the database',
      description: ['Exits 1 when an active read model has failed.'],
      options: [json],
      examples: ['dossier projections status', 'dossier projections status --json'],
      run: (ctx) => projectionsModule().projectionsStatus(ctx),
    },
    {
      name: 'rebuild',
      summary: 'Rebuild one read model from the whole log, side by side, then take over',
      description: [
        'A copy of its tables is built from the log while the live rows keep serving (SQLite: in a scratch file',
        'beside the database); in one transaction it is brought to the live checkpoint and replaces them. Ctrl-C',
        '(or a failure) before that drops the copy and leaves the old rows active. Safe while the main job runs.',
      ],
      args: [
        { name: 'name', required: true, description: 'the read model (see `dossier projections status`)' },
      ],
      examples: ['dossier projections rebuild archive-list'],
      run: (ctx) => projectionsModule().projectionsRebuild(ctx),
    },
  ],
  service: true,
  run: (ctx) => projectionsModule().projectionsRun(ctx),
};

const replay: CommandSpec = {
  name: 'replay',
  summary: 'An archive as it was at a moment, and the changes that led there, replayed from its events',
  description: [
    'As the API’s as-of (GET /archives/{id}/as-of): the events recorded at or before --at (or up to',
    '--revision; without either, all of them) folded in order; a table of the fields each event changed,',
    'then the state. Personal values are withheld (destroyed ones marked) unless --reveal.',
  ],
  args: [{ name: 'archive', required: true, description: 'the archive id (e.g. demo-0001)' }],
  options: [
    {
      name: 'at',
      value: '<ISO time>',
      description: 'as recorded at that time (2025-03-01T09:00:00Z, or a date)',
    },
    { name: 'revision', value: '<n>', description: 'as at that revision of the archive’s stream' },
    json,
    { name: 'reveal', description: 'open personal values with the operator’s master key where it can' },
  ],
  examples: [
    'dossier replay demo-0001 --at 2025-06-30T00:00:00Z',
    'dossier replay demo-0001 --revision 3 --json',
  ],
  run: (ctx) => (require('../commands/replay') as typeof Replay).replay(ctx),
};

const verify: CommandSpec = {
  name: 'verify',
  summary: 'Recompute every hash chain (or one archive’s), and check a digest saved earlier',
  description: [
    'Exits 1 and names the first broken link (stream, revision, global position, reason) when a chain does',
    'not hold, or when the log up to a digest’s position is not what was signed.',
  ],
  args: [
    { name: 'archive', required: false, description: 'only this archive (its stream and its read log)' },
  ],
  options: [
    {
      name: 'digest',
      value: '<file>',
      description:
        'a digest saved by `dossier digest` (or GET /audit/digest): prove nothing up to it changed',
    },
    json,
  ],
  examples: ['dossier verify', 'dossier verify demo-0001', 'dossier verify --digest digest-2025-06.json'],
  run: (ctx) => (require('../commands/verify') as typeof Verify).verify(ctx),
};

const digest: CommandSpec = {
  name: 'digest',
  summary: 'Write the signed digest of every stream head (the format of GET /audit/digest) to stdout',
  description: [
    'Signed with the deployment’s Ed25519 key (DOSSIER_SIGNING_KEY, else signing.key beside the database).',
    'Keep the file: `dossier verify --digest <file>` proves later that nothing up to it changed.',
  ],
  examples: ['dossier digest > digest-2025-06.json'],
  run: (ctx) => (require('../commands/digest') as typeof Digest).digest(ctx),
};

const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'The full history for an auditor: every event in log order, as JSON lines or CSV',
  description: [
    'Personal values are opened where the operator’s master key (DOSSIER_MASTER_KEY, else master.key beside',
    'the database) opens them, else shown as {"$personal":"withheld"}; destroyed ones as',
    '{"$redacted":"destroyed"}. The window is by recorded time, --from inclusive, --to exclusive.',
    'With --out the file appears whole (mode 0600) or not at all, also on Ctrl-C.',
  ],
  options: [
    { name: 'from', value: '<ISO time>', description: 'events recorded at or after this time' },
    { name: 'to', value: '<ISO time>', description: 'events recorded before this time' },
    { name: 'format', value: 'jsonl|csv', description: 'JSON lines (default) or CSV with a header' },
    { name: 'out', value: '<file>', description: 'write this file (atomically) instead of stdout' },
    { name: 'withhold-personal', description: 'withhold every personal value, even where the key opens it' },
  ],
  examples: [
    'dossier export --out history.jsonl',
    'dossier export --from 2025-01-01 --to 2025-07-01 --format csv --out h1-2025.csv',
  ],
  run: (ctx) => (require('../commands/export') as typeof Export).exportLog(ctx),
};

const demo: CommandSpec = {
  name: 'demo',
  summary: 'Load the demo data set: a company’s archives with two years of history, every event type',
  description: [
    'Only into an empty store. A SQLite store is built aside and put in place when complete, so Ctrl-C',
    'leaves none behind.',
  ],
  options: [
    { name: 'archives', value: '<n>', description: 'how many archives (default 300)' },
    { name: 'days', value: '<n>', description: 'how many days of history (default 730)' },
    { name: 'seed', value: '<n>', description: 'another demo company (default: the usual one)' },
  ],
  examples: ['dossier demo', 'dossier --store sqlite:/tmp/try.db demo --archives 20'],
  run: (ctx) => (require('../commands/demo') as typeof Demo).demo(ctx),
};

export const ROOT: CommandSpec = {
  name: 'dossier',
  summary:
    'Dossier, the event-sourced customer archive: run it, replay, verify, export, rebuild read models.',
  subcommands: [start, worker, projections, replay, verify, digest, exportCommand, demo],
  examples: [
    'dossier demo && dossier start',
    'dossier replay demo-0001 --at 2025-06-30T00:00:00Z',
    'dossier digest > digest.json && dossier verify --digest digest.json',
  ],
};
