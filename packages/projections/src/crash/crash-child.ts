/* A projection process for the crash test: runs every read model on a SQLite file until it is killed. */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSqliteStore, sqliteReadModelWriter } from '@dossier/sqlite';
import { allReadModels } from '../read-models';
import { projectionRunner } from '../runner';
import { cachingSqliteDatabase } from '../statement-cache';

const [path, keyB64, writing, order] = process.argv.slice(2) as [
  string,
  string,
  'inline' | 'thread',
  'position' | 'stream',
];
const store = openSqliteStore({ path, masterKey: Buffer.from(keyB64, 'base64') });
const database = new Database(path);
database.pragma('busy_timeout = 10000');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }) });
const runner = projectionRunner({
  store: store.events,
  db,
  dialect: 'sqlite',
  projections: allReadModels(),
  batchSize: 17,
  // `stream`: the rebuild reads stream by stream, in pages small enough for kills to land inside the pass
  ...(order === 'stream' ? { catchUpBatchSize: 20 } : { byStream: false }),
  // `thread`: commits on a thread of their own, as the main job makes them
  ...(writing === 'thread' ? { writer: sqliteReadModelWriter({ path, busyTimeoutMs: 10_000 }) } : {}),
});
void runner.start().then(() => process.stdout.write('started\n'));
