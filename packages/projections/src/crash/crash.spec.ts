import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { commandHandler, fixedClock } from '@dossier/core';
import { aCreateArchive, aLogContact, anActor } from '@dossier/core/testing';
import { openSqliteStore, sqliteReadModelWriter } from '@dossier/sqlite';
import { allReadModels } from '../read-models';
import { projectionRunner } from '../runner';
import { cleanSqliteBuild, sqliteSnapshot as snapshot } from '../testing-db';

/* eslint-disable @typescript-eslint/no-explicit-any */
const CHILD = join(__dirname, '../../dist/crash/crash-child.js');

const kysely = (path: string) =>
  new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path) }) });

const runChildFor = (path: string, key: string, ms: number, writing: Writing, order: Order) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, key, writing, order], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once('data', () => {
      timer = setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited by itself (${signal ?? _code})`));
    });
  });

type Writing = 'inline' | 'thread';
/** How the rebuild reads the log: in position order, or stream by stream (the runner's stream pass). */
type Order = 'position' | 'stream';

describe.each([
  ['inline', 'position', "commits in the runner's process, log read in position order"],
  ['thread', 'position', 'commits on a writer thread (sqliteReadModelWriter), pipelined, in position order'],
  ['inline', 'stream', "commits in the runner's process, log read stream by stream"],
  ['thread', 'stream', 'commits on a writer thread, pipelined, log read stream by stream'],
] as const)(
  'projection runner under SIGKILL (issue #4), %s, %s: %s',
  (writing: Writing, order: Order, _how: string) => {
    it('a projection process killed mid-batch, again and again, never applies an event twice or skips one', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dossier-proj-crash-'));
      const path = join(dir, 'dossier.db');
      const masterKey = randomBytes(32);
      try {
        const store = openSqliteStore({ path, masterKey });
        const clock = fixedClock('2026-01-05T02:00:00.000Z');
        const h = commandHandler({ store: store.events, keys: store.keys, clock });
        const mm = anActor('marketing_manager', 'mm-1');
        const tiers = ['A', 'B', 'C'] as const;
        await Promise.all(
          Array.from({ length: 150 }, async (_, n) => {
            const id = randomUUID();
            await h.execute(aCreateArchive(id, { actor: mm }));
            for (let k = 0; k < 12; k++) {
              await h.execute(aLogContact(id, `2026-01-0${1 + (k % 4)}T0${k % 9}:00:00.000Z`, { actor: mm }));
              await h.execute({
                type: 'ChangeTier',
                commandId: `t-${id}-${k}`,
                archiveId: id,
                actor: mm,
                to: tiers[(n + k) % 3],
                reason: 'review',
              });
            }
          }),
        );
        const head = await store.events.headPosition();
        await store.close();

        /** How far the read models have committed: their lowest checkpoint, and the cursors of a stream pass. */
        const progress = () => {
          const raw = new Database(path, { readonly: true });
          try {
            const r = raw.prepare('select min(position) as p from projection_checkpoints').get() as
              { p: number | null } | undefined;
            const cursors = raw
              .prepare('select stream_id, revision from projection_stream_pass order by name')
              .all()
              .map((c) => JSON.stringify(c))
              .join();
            return { checkpoint: BigInt(r?.p ?? 0), at: `${r?.p ?? 0}|${cursors}` };
          } catch {
            return { checkpoint: 0n, at: '' }; // the child was killed before it created its tables
          } finally {
            raw.close();
          }
        };
        let midway = 0;
        let passes = 0;
        // the kill lands 1 to 1.5 times `wait` after the child started; a round in which nothing was committed
        // waits longer next time, so the kills follow the machine's pace and most of them land mid-rebuild
        let wait = 20;
        for (let round = 0; round < 30 && progress().checkpoint < head; round++) {
          const before = progress();
          await runChildFor(
            path,
            masterKey.toString('base64'),
            wait + Math.floor(Math.random() * (wait / 2)),
            writing,
            order,
          );
          const after = progress();
          if (after.at === before.at) wait = Math.ceil(wait * 1.5);
          if (after.at !== before.at && after.checkpoint < head) midway++;
          if (after.at.includes('stream_id') && after.checkpoint === 0n) passes++;
        }
        // the kills really landed while batches were being applied, not after the work was done
        expect(midway).toBeGreaterThanOrEqual(2);
        // and, stream by stream, inside the pass (its cursors committed, the checkpoints not yet moved)
        if (order === 'stream') expect(passes).toBeGreaterThanOrEqual(2);

        // finish in-process, then compare with a clean rebuild of the same log in another file
        const reopened = openSqliteStore({ path, masterKey });
        const resumedDb = kysely(path);
        const writer = writing === 'thread' ? sqliteReadModelWriter({ path }) : undefined;
        const resumed = projectionRunner({
          store: reopened.events,
          db: resumedDb,
          dialect: 'sqlite',
          projections: allReadModels(),
          batchSize: 37,
          ...(order === 'position' ? { byStream: false } : {}),
          ...(writer ? { writer } : {}),
        });
        await resumed.start();
        expect(await resumed.waitFor(head, 30_000)).toBe(true);
        await resumed.stop();
        await writer?.close();

        const cleanDb = kysely(join(dir, 'clean.db'));
        expect(await cleanSqliteBuild(reopened.events, cleanDb, head)).toBe(true);

        const [a, b] = [await snapshot(resumedDb), await snapshot(cleanDb)];
        expect(Object.keys(a).length).toBeGreaterThanOrEqual(9);
        expect(a).toEqual(b);
        await resumedDb.destroy();
        await cleanDb.destroy();
        await reopened.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
