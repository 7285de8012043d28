/*
 * The server side of the feed benchmark, in a process of its own: the API (its feed) on the benchmark's SQLite
 * file, without the read models (they would project the million events meanwhile and measure themselves, not
 * the feed). On stdin, `produce <archives> <perArchive>` appends events in this process (live fan-out) and
 * answers `produced <events> <ms>`.
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { commandHandler, defaultPolicyConfig } from '@dossier/core';
import { projectionRunner } from '@dossier/projections';
import { openSqliteStore } from '@dossier/sqlite';
import { createApp } from '../src/app/create-app';
import { movableClock } from '../src/clock';
import type { Dossier } from '../src/compose';
import type { FeedApiSettings } from '../src/feed/feed-settings';
import { generateArchiveEvents } from '../src/feed/testing/generate-events';
import { loadSigningKey } from '../src/integrity/signing-key';

const main = async () => {
  const path = process.env.BENCH_DB!;
  const clock = movableClock();
  const store = openSqliteStore({
    path,
    masterKey: Buffer.from(process.env.BENCH_MASTER_KEY!, 'base64'),
    clock,
    synchronous: 'NORMAL',
  });
  const database = new Database(path, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  const readDb = new Kysely<never>({ dialect: new SqliteDialect({ database }) });
  const dossier: Dossier = {
    events: store.events,
    keys: store.keys,
    clock,
    config: defaultPolicyConfig,
    handler: commandHandler({ store: store.events, keys: store.keys, clock, config: defaultPolicyConfig }),
    readDb,
    dialect: 'sqlite',
    // never started: no read model runs in this process
    runner: projectionRunner({ store: store.events, db: readDb, dialect: 'sqlite', projections: [] }),
    signingKey: loadSigningKey({}),
    describe: { store: path, readModels: 'none', masterKey: 'benchmark', signingKey: 'benchmark' },
    startWorker: async () => false,
    close: async () => {
      await readDb.destroy();
      await store.close();
    },
  };
  const settings: FeedApiSettings = {
    storeUrl: `sqlite:${path}`,
    host: '127.0.0.1',
    port: 0,
    bodyLimit: 64 * 1024,
    waitTimeoutMs: 5000,
    identity: { secret: process.env.BENCH_JWT_SECRET! },
    feed: { heartbeatMs: 15_000 },
  };
  const app = await createApp(dossier, settings);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(`listening ${port}`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [cmd, a, b] = line.trim().split(' ');
    if (cmd === 'produce') {
      const started = performance.now();
      const { events } = await generateArchiveEvents(dossier, { archives: Number(a), perArchive: Number(b) });
      console.log(`produced ${events} ${(performance.now() - started).toFixed(1)}`);
    } else if (cmd === 'quit') break;
  }
  await app.close();
  await dossier.close();
  process.exit(0);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
