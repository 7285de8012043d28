import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Projection } from '@dossier/projections';
import { physicalTable } from '@dossier/projections';
import type { ReadDb } from '../store/read-models-db';

/** Where a rebuild builds its copy of a read model while the live tables keep serving. */
export interface CopySpace {
  /** The database the copy is built in. */
  readonly db: ReadDb;
  /** In the read-model database itself: the take-over transaction may write the copy too. */
  readonly sameDatabase: boolean;
  /** The name of one of the copy's tables there. */
  table(base: string): string;
  /** Around the take-over transaction on the read-model database. */
  beforeTakeOver(main: ReadDb): Promise<void>;
  afterTakeOver(main: ReadDb): Promise<void>;
  /** In the take-over transaction: the live table's rows become the copy's. */
  copyInto(trx: ReadDb, live: string, base: string): Promise<void>;
  /** Remove the copy (after the take-over, or when giving up). */
  discard(): Promise<void>;
}

const ATTACHED = 'dossier_rebuild';

/**
 * SQLite: the copy is built in a scratch file beside the read models (`<file>.rebuild-<name>.tmp`), so the
 * rebuild writes nothing to the live file until the take-over; a runner in another process reading and then
 * writing the live file is never disturbed by it. The take-over attaches the scratch file and copies its rows
 * in one transaction. One rebuild of a read model at a time: a scratch file left by a killed one is replaced.
 */
export const sqliteScratchFile = (
  readModelsPath: string,
  projection: Projection,
  onForcedExit: (cleanup: () => void) => () => void,
): CopySpace => {
  const path = `${readModelsPath}.rebuild-${projection.name}.tmp`;
  const remove = () => {
    for (const f of [path, `${path}-journal`]) rmSync(f, { force: true });
  };
  remove();
  const database = new Database(path);
  database.pragma('journal_mode = MEMORY');
  database.pragma('synchronous = OFF');
  const db: ReadDb = new Kysely({ dialect: new SqliteDialect({ database }) });
  const unregister = onForcedExit(remove);
  let open = true;
  return {
    db,
    sameDatabase: false,
    table: (base) => physicalTable(base, projection.version),
    async beforeTakeOver(main) {
      await sql`ATTACH DATABASE ${path} AS ${sql.raw(ATTACHED)}`.execute(main);
    },
    async afterTakeOver(main) {
      await sql`DETACH DATABASE ${sql.raw(ATTACHED)}`.execute(main).catch(() => undefined);
    },
    async copyInto(trx, live) {
      await trx.deleteFrom(live).execute();
      await trx
        .insertInto(live)
        .expression(trx.selectFrom(`${ATTACHED}.${live}`).selectAll())
        .execute();
    },
    async discard() {
      if (open) await db.destroy();
      open = false;
      remove();
      unregister();
    },
  };
};

/** PostgreSQL: the copy's tables beside the live ones (`rm_<base>_v<version>_rebuild`), dropped at take-over. */
export const sideTables = async (main: ReadDb, projection: Projection): Promise<CopySpace> => {
  const table = (base: string) => `${physicalTable(base, projection.version)}_rebuild`;
  const drop = async () => {
    for (const base of projection.tables) await main.schema.dropTable(table(base)).ifExists().execute();
  };
  await drop(); // what a killed rebuild left
  return {
    db: main,
    sameDatabase: true,
    table,
    beforeTakeOver: async () => undefined,
    afterTakeOver: async () => undefined,
    async copyInto(trx, live, base) {
      await trx.deleteFrom(live).execute();
      await trx
        .insertInto(live)
        .expression(trx.selectFrom(table(base)).selectAll())
        .execute();
      await trx.schema.dropTable(table(base)).execute();
    },
    discard: drop,
  };
};
