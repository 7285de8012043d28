import type { Kysely } from 'kysely';
import type { SqlStatement, StreamCursor } from '@dossier/core';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

/**
 * Where a rebuild reading the log stream by stream (the runner's stream pass) stands, one row per read model
 * version while it runs: the position it reads up to, the cursor its committed pages reached, and how many
 * events those pages held. Each page moves the row in the commit that writes its rows.
 */
export const STREAM_PASS = 'projection_stream_pass';

/** A read model version, as the checkpoints name it. */
export interface ModelRef {
  readonly name: string;
  readonly version: number;
}

export interface PassRow {
  readonly upTo: bigint;
  readonly at: StreamCursor;
  readonly events: bigint;
}

export const createStreamPassTable = (trx: Db) =>
  trx.schema
    .createTable(STREAM_PASS)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('up_to', 'bigint', (c) => c.notNull())
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${STREAM_PASS}_pk`, ['name', 'version'])
    .execute();

/** The passes under way, looked up by read model (bigint columns come back as numbers or strings). */
export const readPasses = async (db: Db): Promise<(m: ModelRef) => PassRow | undefined> => {
  const rows = (await db.selectFrom(STREAM_PASS).selectAll().execute()).map((r) => ({
    name: r.name as string,
    version: Number(r.version),
    row: {
      upTo: BigInt(r.up_to),
      at: { streamId: r.stream_id as string, revision: BigInt(r.revision) },
      events: BigInt(r.events),
    },
  }));
  return (m) => rows.find((r) => r.name === m.name && r.version === m.version)?.row;
};

/**
 * Begin a pass up to `head` for these read models, only while every one's checkpoint is at 0 in the database
 * (another runner may have ended a pass since this one looked). Another runner beginning at once finds the
 * first one's rows, and both follow them. Answers whether the rows are there.
 */
export const beginPass = (
  db: Db,
  dialect: 'sqlite' | 'postgres',
  checkpoints: string,
  models: readonly ModelRef[],
  head: bigint,
): Promise<boolean> =>
  db.transaction().execute(async (trx) => {
    let atStart = trx
      .selectFrom(checkpoints)
      .select('name')
      .where('position', '=', '0')
      .where((eb) =>
        eb.or(models.map((m) => eb.and([eb('name', '=', m.name), eb('version', '=', m.version)]))),
      );
    // PostgreSQL: wait for a pass being ended (it moves these rows) and read them as it left them
    if (dialect === 'postgres') atStart = atStart.forUpdate();
    if ((await atStart.execute()).length !== models.length) return false;
    for (const m of models)
      await trx
        .insertInto(STREAM_PASS)
        .values({
          name: m.name,
          version: m.version,
          up_to: head.toString(),
          stream_id: '',
          revision: '-1',
          events: '0',
        })
        .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
        .execute();
    return true;
  });

/** The guarded move of a pass's cursor and count: on only from where this runner left it. */
export const passMove = (
  db: Db,
  m: ModelRef,
  from: StreamCursor,
  to: StreamCursor,
  events: bigint,
): SqlStatement => {
  const q = db
    .updateTable(STREAM_PASS)
    .set({ stream_id: to.streamId, revision: to.revision.toString(), events: events.toString() })
    .where('name', '=', m.name)
    .where('version', '=', m.version)
    .where('stream_id', '=', from.streamId)
    .where('revision', '=', from.revision.toString())
    .compile();
  return { sql: q.sql, parameters: q.parameters, expectChanges: 1 };
};

/**
 * The guarded end of a pass: its row goes only from where this runner's pages left it (with the checkpoint's
 * move, in one commit).
 */
export const passEnd = (db: Db, m: ModelRef, at: StreamCursor): SqlStatement => {
  const q = db
    .deleteFrom(STREAM_PASS)
    .where('name', '=', m.name)
    .where('version', '=', m.version)
    .where('stream_id', '=', at.streamId)
    .where('revision', '=', at.revision.toString())
    .compile();
  return { sql: q.sql, parameters: q.parameters, expectChanges: 1 };
};
