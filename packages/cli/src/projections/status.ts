import type { ReadDb } from '../store/read-models-db';

export const CHECKPOINTS = 'projection_checkpoints';
export const ACTIVE = 'projection_active';
/** Where a rebuild reading the log stream by stream stands (the runner's stream pass), while it runs. */
export const STREAM_PASS = 'projection_stream_pass';

/** One read model version as the projection runners left it in the database. */
export interface ProjectionRow {
  readonly name: string;
  readonly version: number;
  readonly active: boolean;
  readonly checkpoint: string;
  /** Events behind the head of the log (during a stream pass: the head less the events it has committed). */
  readonly lag: string;
  /** A rebuild stream by stream under way: the events its committed pages held, of the log up to `upTo`. */
  readonly pass?: { readonly events: string; readonly upTo: string };
  /** `live` or `failed`, as the runner recorded it. */
  readonly state: string;
  readonly error?: string;
}

/**
 * Lag per read model from the checkpoints every runner commits with its rows, so it shows what any process
 * (the main job, `dossier projections`, a worker) has done; undefined when no runner ever ran on this database.
 */
export const readProjectionStatus = async (
  db: ReadDb,
  head: bigint,
): Promise<ProjectionRow[] | undefined> => {
  const tables = new Set((await db.introspection.getTables()).map((t) => t.name));
  if (!tables.has(CHECKPOINTS) || !tables.has(ACTIVE)) return undefined;
  const active = new Map(
    (await db.selectFrom(ACTIVE).select(['name', 'version']).execute()).map((r) => [
      String(r.name),
      Number(r.version),
    ]),
  );
  const passes = new Map(
    (tables.has(STREAM_PASS)
      ? await db.selectFrom(STREAM_PASS).select(['name', 'version', 'events', 'up_to']).execute()
      : []
    ).map((r) => [
      `${String(r.name)}@${Number(r.version)}`,
      {
        events: BigInt(r.events as string | number | bigint),
        upTo: BigInt(r.up_to as string | number | bigint),
      },
    ]),
  );
  const rows = await db
    .selectFrom(CHECKPOINTS)
    .select(['name', 'version', 'position', 'state', 'error'])
    .orderBy('name')
    .orderBy('version')
    .execute();
  const listed: ProjectionRow[] = rows.map((r) => {
    const checkpoint = BigInt(r.position as string | number | bigint);
    const pass = passes.get(`${String(r.name)}@${Number(r.version)}`);
    const done = pass ? pass.events : checkpoint;
    return {
      name: String(r.name),
      version: Number(r.version),
      active: active.get(String(r.name)) === Number(r.version),
      checkpoint: checkpoint.toString(),
      lag: (head > done ? head - done : 0n).toString(),
      ...(pass ? { pass: { events: pass.events.toString(), upTo: pass.upTo.toString() } } : {}),
      state: String(r.state),
      ...(r.error ? { error: String(r.error) } : {}),
    };
  });
  // registered by a runner that has not committed a batch yet
  for (const [name, version] of active)
    if (!listed.some((r) => r.name === name && r.version === version))
      listed.push({
        name,
        version,
        active: true,
        checkpoint: '0',
        lag: head.toString(),
        state: 'not started',
      });
  return listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
};
