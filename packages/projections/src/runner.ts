import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type {
  EventStore,
  PolicyConfig,
  ReadModelWriter,
  ProjectableEvent,
  RecordedEvent,
  SqlStatement,
  StreamCursor,
} from '@dossier/core';
import { MetadataNotRead, WriteExpectationFailed, defaultPolicyConfig } from '@dossier/core';
import { toProjected } from './decode';
import { beginPass, createStreamPassTable, passEnd, passMove, readPasses } from './stream-pass-rows';
import type { ProjectedEvent, Projection, ProjectionContext } from './projection';
import { DEFERRED, EventFailure, physicalTable } from './projection';
import { kyselyReadModelWriter } from './writing/kysely-writer';
import type { RecordingDb } from './writing/recording-db';
import { recordingDb } from './writing/recording-db';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

export type ProjectionState = 'catching_up' | 'live' | 'failed' | 'stopped';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly active: boolean;
  readonly checkpoint: bigint;
  /** Events behind the head of the log (during a stream pass: the head less the events the pass has committed). */
  readonly lag: bigint;
  /** A rebuild stream by stream under way: the events its committed pages held, of the log up to `upTo`. */
  readonly pass?: { readonly events: bigint; readonly upTo: bigint };
  readonly state: ProjectionState;
  readonly error?: string;
}

export class PoisonEvent extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      `projection ${projection} stopped at event position ${position} (${eventType}): ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

interface Instance {
  readonly projection: Projection;
  /** Where its committed rows stand. */
  checkpoint: bigint;
  /** Where the rows handed over to its writer will stand once committed (≥ checkpoint). */
  folded: bigint;
  /** The last event it was given (≥ folded: beyond it, what it deferred, kept in memory). */
  applied: bigint;
  /** When it last handed rows over (or started): a read model catching up defers for so long at most. */
  handedAt: number;
  active: boolean;
  state: ProjectionState;
  error?: string;
  /** Its secondary indexes are known to exist. */
  indexed?: boolean;
  /** During a stream pass: the events its committed pages held (kept with its cursor), and the pass's end. */
  pass?: { events: bigint; readonly upTo: bigint };
}

/** Read models that read the log together: the active ones, or the new versions rebuilding side by side. */
interface Lane {
  readonly members: Instance[];
  readonly rebuild: boolean;
  readonly recorder: RecordingDb;
  /** Pages handed over whose commits have not all settled, oldest first (they never reject). */
  readonly pages: Promise<void>[];
  /** The first commit that failed since the lane last started again. */
  failure?: unknown;
}

/** Pages whose commits may be under way while the next one is folded. */
const PAGES_IN_FLIGHT = 6;

export interface RunnerOptions {
  readonly store: EventStore;
  readonly db: Db;
  readonly dialect: 'sqlite' | 'postgres';
  readonly projections: readonly Projection[];
  readonly config?: PolicyConfig;
  /** Events per batch when live (default 1000). */
  readonly batchSize?: number;
  /**
   * The largest batch while catching up (default 5,000): a batch that finds more behind it doubles, so a
   * rebuild folds many events per row written and commits rarely; memory stays bounded by this size.
   */
  readonly catchUpBatchSize?: number;
  readonly pollMs?: number;
  readonly onError?: (e: PoisonEvent) => void;
  /** An infrastructure failure the runner will retry (default: written to stderr). */
  readonly onFailure?: (e: unknown) => void;
  /**
   * Check every event against its codec before applying it (default false: events were validated when they
   * were decided and the hash chain guards them; a read model that throws on an event still stops there).
   */
  readonly validate?: boolean;
  /**
   * Where the read models' writes and checkpoints are committed (default: `db`, in this process). The SQLite
   * adapter's `sqliteReadModelWriter` commits on a thread of its own while the next batch is folded here.
   */
  readonly writer?: ReadModelWriter;
  /**
   * A writer of its own for each read model, whose commits run beside the others' (the PostgreSQL adapter's
   * `postgresReadModelWriters`, on a thread of its own). Without it, on PostgreSQL, each read model commits
   * through a writer of its own over `db`, in this process.
   */
  readonly writers?: () => ReadModelWriter;
  /**
   * While catching up, a read model may keep its changes in memory across batches (see `mayDefer`) for this
   * long at most before it commits them (default 10 s): the rows and checkpoints move on at least that often.
   */
  readonly deferForMs?: number;
  /**
   * A lane whose read models all start from nothing rebuilds them stream by stream when it can (default
   * true; see `streamPass`): false reads the log in position order from the start.
   */
  readonly byStream?: boolean;
}

/**
 * The event types whose metadata any of these read models reads (`readsMetadataOf`), or undefined when one
 * of them may read any type's.
 */
const metadataTypesOf = (projections: readonly Projection[]): readonly string[] | undefined => {
  const types = new Set<string>();
  for (const p of projections) {
    if (!p.readsMetadataOf) return undefined;
    for (const t of p.readsMetadataOf) types.add(t);
  }
  return [...types].sort();
};

const CHECKPOINTS = 'projection_checkpoints';
const ACTIVE = 'projection_active';
/** The advisory lock PostgreSQL starters take while they create tables ('DoSS' + 1). */
const SETUP_LOCK = 0x446f5301;

/**
 * The projection runner: reads the global log from each read model's checkpoint, applies events in batches,
 * and commits the read-model rows together with the new checkpoints in one transaction.
 * Active read models share one lane; a new version rebuilds side by side in a lane of its own, and takes
 * over atomically once it has caught up with the head of the log.
 */
export const projectionRunner = (options: RunnerOptions) => {
  const { store, db, dialect } = options;
  const config = options.config ?? defaultPolicyConfig;
  const batchSize = options.batchSize ?? 1000;
  const catchUpBatchSize = Math.max(batchSize, options.catchUpBatchSize ?? 5_000);
  const onFailure =
    options.onFailure ?? ((e: unknown) => console.error('[dossier] projection runner, retrying:', e));
  const pollMs = options.pollMs ?? 200;
  const deferForMs = options.deferForMs ?? 10_000;
  const instances: Instance[] = [];
  const wakers = new Set<() => void>();
  const progress = new Set<() => void>();
  let running = false;
  let lanes: Promise<void>[] = [];
  let head = 0n;

  const ctxFor = (trx: Db, p: Projection): ProjectionContext => ({
    db: trx,
    table: (base) => physicalTable(base, p.version),
    config,
    dialect,
  });

  const sleep = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      wakers.add(done);
    });

  /** Tables, registry rows and checkpoints, created once even when several runners start together. */
  const setup = async () => {
    await db.transaction().execute(async (trx) => {
      // PostgreSQL: concurrent CREATE TABLE IF NOT EXISTS race in the catalogue, so starters take turns
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
      await trx.schema
        .createTable(CHECKPOINTS)
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint(`${CHECKPOINTS}_pk`, ['name', 'version'])
        .execute();
      await createStreamPassTable(trx);
      await trx.schema
        .createTable(ACTIVE)
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      for (const p of options.projections) {
        await p.createTables(ctxFor(trx, p));
        // the first runner's choice of active version stands
        await trx
          .insertInto(ACTIVE)
          .values({ name: p.name, version: p.version })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        await trx
          .insertInto(CHECKPOINTS)
          .values({ name: p.name, version: p.version, position: '0', state: 'catching_up', error: null })
          .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
          .execute();
      }
    });
    const active = new Map(
      (await db.selectFrom(ACTIVE).selectAll().execute()).map((r) => [r.name as string, Number(r.version)]),
    );
    const cps = await db.selectFrom(CHECKPOINTS).selectAll().execute();
    instances.length = 0;
    for (const p of options.projections) {
      p.reset?.();
      const cp = cps.find((r) => r.name === p.name && Number(r.version) === p.version);
      const failed = cp?.state === 'failed';
      const checkpoint = cp ? BigInt(cp.position) : 0n;
      instances.push({
        projection: p,
        checkpoint,
        folded: checkpoint,
        applied: checkpoint,
        handedAt: performance.now(),
        active: active.get(p.name) === p.version,
        state: failed ? 'failed' : 'catching_up',
        ...(failed && cp.error ? { error: cp.error as string } : {}),
      });
    }
  };

  /** The guarded move of a checkpoint: it moves on only from where this runner left it. */
  const guard = (i: Instance, to: bigint): SqlStatement => {
    const q = db
      .updateTable(CHECKPOINTS)
      .set({ position: to.toString(), state: 'live', error: null })
      .where('name', '=', i.projection.name)
      .where('version', '=', i.projection.version)
      .where('position', '=', i.folded.toString())
      .compile();
    return { sql: q.sql, parameters: q.parameters, expectChanges: 1 };
  };

  const shared = options.writer ?? kyselyReadModelWriter(db, dialect);
  const ownWriters = new Map<Instance, ReadModelWriter>();
  /** On PostgreSQL each read model commits through a writer of its own, so the server applies them in parallel. */
  const writerPerModel = options.writers !== undefined || (!options.writer && dialect === 'postgres');
  const writerFor = (i: Instance): ReadModelWriter => {
    if (!writerPerModel) return shared;
    let w = ownWriters.get(i);
    if (!w) ownWriters.set(i, (w = options.writers?.() ?? kyselyReadModelWriter(db, dialect)));
    return w;
  };

  /** Wake the callers waiting for positions (`waitFor`). */
  const checkpointsMoved = () => {
    for (const wake of [...progress]) wake();
  };

  /** Hand a commit over; the instances' checkpoints move when it has committed. */
  const submit = (
    lane: Lane,
    group: Instance[],
    statements: SqlStatement[],
    last: bigint,
    committed?: (i: Instance) => void,
  ) =>
    writerFor(group[0]!)
      .commit(statements)
      .then(
        () => {
          for (const i of group) {
            if (last > i.checkpoint) i.checkpoint = last;
            committed?.(i);
          }
          checkpointsMoved();
        },
        (err: unknown) => {
          lane.failure ??= err;
        },
      );

  /** Wait until every commit the lane handed over has settled; throw the first that failed. */
  const drain = async (lane: Lane) => {
    while (lane.pages.length > 0) await lane.pages.shift();
    if (lane.failure !== undefined) throw lane.failure;
  };

  /** Stop one read model at a poison event; the others go on. */
  const stopAt = async (lane: Lane, i: Instance, err: PoisonEvent) => {
    await drain(lane);
    i.projection.reset?.();
    i.state = 'failed';
    i.error = err.message;
    // a pass it stopped in reports no progress any more
    delete i.pass;
    await saveState(i, 'failed', err.message);
    options.onError?.(err);
  };

  const saveState = async (i: Instance, state: ProjectionState, error: string | null) => {
    const q = db
      .insertInto(CHECKPOINTS)
      .values({
        name: i.projection.name,
        version: i.projection.version,
        position: i.checkpoint.toString(),
        state,
        error,
      })
      .onConflict((oc) =>
        oc.columns(['name', 'version']).doUpdateSet({ position: i.checkpoint.toString(), state, error }),
      )
      .compile();
    await writerFor(i).commit([{ sql: q.sql, parameters: q.parameters }]);
  };

  /**
   * Apply events to one read model: the statements it recorded, `DEFERRED` when it kept them in memory, or
   * undefined when it stopped there (an event it cannot apply, or a deferral it was not allowed).
   */
  const applyTo = async (
    lane: Lane,
    i: Instance,
    events: readonly ProjectedEvent[],
    mayDefer: boolean,
    last: bigint,
    byStream = false,
  ): Promise<SqlStatement[] | typeof DEFERRED | undefined> => {
    let answer: void | typeof DEFERRED;
    try {
      answer = await i.projection.applyBatch(
        {
          ...ctxFor(lane.recorder.db, i.projection),
          committed: db,
          batchesUnderWay: PAGES_IN_FLIGHT,
          mayDefer,
          byStream,
        },
        events,
      );
    } catch (err) {
      lane.recorder.take();
      // an event the read model cannot apply stops it there, as does the metadata of a type it did not name
      // (read outside `forEachEvent`); anything else (a busy or dropped database) is the infrastructure's: the
      // lane starts again from the checkpoints
      if (err instanceof MetadataNotRead) {
        await stopAt(lane, i, new PoisonEvent(i.projection.name, err.position, err.type, err));
        return undefined;
      }
      if (!(err instanceof EventFailure)) throw err;
      await stopAt(lane, i, new PoisonEvent(i.projection.name, err.position, err.eventType, err.failure));
      return undefined;
    }
    const statements = lane.recorder.take();
    if (answer !== DEFERRED) return statements;
    // a read model that defers when it may not, or writes and defers, is wrong: it stops there
    if (statements.length > 0 || !mayDefer) {
      const why =
        statements.length > 0 ? 'it deferred a batch but wrote rows' : 'it deferred a batch it had to write';
      await stopAt(
        lane,
        i,
        new PoisonEvent(i.projection.name, last, events.at(-1)?.recorded.type ?? '-', why),
      );
      return undefined;
    }
    return DEFERRED;
  };

  /**
   * Hand a page's writes over: on SQLite (one writer) one commit for all read models, on PostgreSQL one per
   * read model, which the server applies side by side. Each one's checkpoint moves to `last` (if higher) once
   * its commit is in, and `committed` is told. The commits run while the next page is folded.
   */
  const handOver = (
    lane: Lane,
    parts: { i: Instance; statements: SqlStatement[] }[],
    last: bigint,
    committed?: (i: Instance) => void,
  ) => {
    if (parts.length === 0) return;
    const units = writerPerModel
      ? parts.map((p) => ({ group: [p.i], statements: p.statements }))
      : [{ group: parts.map((p) => p.i), statements: parts.flatMap((p) => p.statements) }];
    lane.pages.push(
      Promise.all(units.map((u) => submit(lane, u.group, u.statements, last, committed))).then(
        () => undefined,
      ),
    );
  };

  /**
   * Fold one page into the lane's read models and hand their writes over with the guarded checkpoint moves
   * (see `handOver`); a read model that reads waits for the commits under way first (see `recordingDb`).
   * `behind`: more events wait after this page, so a read model may defer its writes to a later one.
   */
  const applyPage = async (lane: Lane, page: readonly ProjectedEvent[], last: bigint, behind: boolean) => {
    const parts: { i: Instance; statements: SqlStatement[] }[] = [];
    for (const i of lane.members) {
      if (i.state === 'failed' || i.state === 'stopped') continue;
      // given every event up to `last` already, and holding nothing back
      if (last < i.applied || (last === i.applied && i.folded === last)) continue;
      const mine =
        page.length === 0 || page[0]!.recorded.position > i.applied
          ? page
          : page.filter((e) => e.recorded.position > i.applied);
      const mayDefer = behind && running && performance.now() - i.handedAt < deferForMs;
      const out = await applyTo(lane, i, mine, mayDefer, last);
      if (out === undefined) continue;
      if (out === DEFERRED) {
        // its rows stay where they are, and so does its checkpoint; what it kept is given again after a failure
        i.applied = last;
        continue;
      }
      // the guard first: a commit that would apply its events again fails before writing a row
      parts.push({ i, statements: [guard(i, last), ...out] });
      i.folded = i.applied = last;
      i.handedAt = performance.now();
    }
    handOver(lane, parts, last);
  };

  /** Stop every read model of a pass or page at an event that cannot be decoded; the lanes' others go on. */
  const stopAllAt = async (lane: Lane, members: Instance[], poison: PoisonEvent) => {
    await drain(lane);
    for (const i of members.filter((x) => x.state !== 'failed')) {
      i.state = 'failed';
      delete i.pass;
      i.error = poison.message.replace('projection *', `projection ${i.projection.name}`);
      await saveState(i, 'failed', i.error);
    }
    options.onError?.(poison);
  };

  /**
   * Decode a page: the events up to the first that cannot be decoded, that one's failure, and the position of
   * the last event decoded (undefined when none was).
   */
  const decodePage = (raw: readonly ProjectableEvent[]) => {
    const projected: ProjectedEvent[] = [];
    let lastGood: bigint | undefined;
    for (const r of raw) {
      try {
        const p = toProjected(r, options.validate ?? false);
        if (p) projected.push(p);
        lastGood = r.position;
      } catch (err) {
        return { projected, lastGood, poison: new PoisonEvent('*', r.position, r.type, err) };
      }
    }
    return { projected, lastGood, poison: undefined };
  };

  /**
   * A rebuild from the start, stream by stream. When every read model of the lane is at position 0 and says
   * its rows depend only on each stream's own order (`perStream`), and the store can read that way
   * (`readByStream`), the lane reads the log up to the head as it stood when the pass began, one stream after
   * another: each archive's history is folded at once and its rows are written once, not once for every page
   * of the interleaved log that met it (and nothing need stay cached for later pages).
   * Each page commits each read model's rows with the guarded move of its cursor (stream, revision) in
   * `projection_stream_pass` (see `handOver`): a crash resumes from the cursors and applies nothing twice.
   * The last commit moves the checkpoints to the pass's end and deletes the cursors; the lane then goes on in
   * position order. A read model left with a cursor (a pass that stopped) finishes that pass before anything.
   * On PostgreSQL the read models commit apart, so after a crash their cursors may differ: each group of
   * read models at one cursor finishes in turn. Answers whether it ran a pass.
   */
  const streamPass = async (l: Lane): Promise<boolean> => {
    if (!store.readByStream) return false;
    const readByStream = store.readByStream.bind(store);
    const live = l.members.filter((i) => i.state !== 'failed' && i.state !== 'stopped');
    if (live.length === 0) return false;
    const ref = (i: Instance) => ({ name: i.projection.name, version: i.projection.version });
    let passOf = await readPasses(db);
    if (!live.some((i) => passOf(ref(i)))) {
      // a pass begun is finished whatever the options say; a new one begins only when allowed
      if (options.byStream === false) return false;
      if (!live.every((i) => i.projection.perStream && i.checkpoint === 0n)) return false;
      const head = await store.headPosition();
      if (head === 0n) return false;
      if (!(await beginPass(db, dialect, CHECKPOINTS, live.map(ref), head))) return false;
      passOf = await readPasses(db);
    }
    const first = live.map((i) => passOf(ref(i))).find((r) => r !== undefined);
    if (!first) return false;
    const { upTo } = first;
    let at = first.at;
    // the read models whose cursors stand together read the same pages; any other finishes in a later pass
    const members = live.filter((i) => {
      const p = passOf(ref(i));
      return (
        p !== undefined && p.upTo === upTo && p.at.streamId === at.streamId && p.at.revision === at.revision
      );
    });
    // the events its pages held, as committed with the cursors (they all stand at the same one)
    let events = first.events;
    for (const i of members) i.pass = { events, upTo };
    const metadataOf = metadataTypesOf(members.map((i) => i.projection));
    const read = (after: StreamCursor, limit: number) =>
      readByStream({ after, upTo, limit, ...(metadataOf ? { metadataOf } : {}) });
    let size = batchSize;
    let prefetched: Promise<readonly ProjectableEvent[]> | undefined;
    while (running) {
      const active = members.filter((i) => i.state !== 'failed' && i.state !== 'stopped');
      if (active.length === 0) {
        await drain(l);
        return true;
      }
      const raw = await (prefetched ?? read(at, size));
      prefetched = undefined;
      while (l.pages.length >= PAGES_IN_FLIGHT) await l.pages.shift();
      if (l.failure !== undefined) throw l.failure;
      if (raw.length === 0) {
        // the end: the cursors go, from where this runner's pages left them (a page of its own that failed,
        // another runner's cursor having moved first, must not let the pass end without the rows after it),
        // and the checkpoints move to where the pass read up to
        handOver(
          l,
          active.map((i) => ({ i, statements: [passEnd(db, ref(i), at), guard(i, upTo)] })),
          upTo,
          (i) => delete i.pass,
        );
        await drain(l);
        for (const i of active) i.folded = i.applied = upTo;
        return true;
      }
      const { projected, poison } = decodePage(raw);
      // an undecodable event: the events before it are folded and committed, the cursor stopping at the last
      // of them, and then every read model of the pass stops there, naming it
      const good = poison
        ? raw.slice(
            0,
            raw.findIndex((r) => r.position === poison.position),
          )
        : raw;
      if (!poison && raw.length === size) {
        size = Math.min(size * 2, catchUpBatchSize);
        prefetched = read({ streamId: raw.at(-1)!.streamId, revision: raw.at(-1)!.revision }, size);
        prefetched.catch(() => undefined);
      }
      if (good.length > 0) {
        const next: StreamCursor = { streamId: good.at(-1)!.streamId, revision: good.at(-1)!.revision };
        const parts: { i: Instance; statements: SqlStatement[] }[] = [];
        const held = (events += BigInt(good.length));
        for (const i of active) {
          const out = await applyTo(l, i, projected, false, good.at(-1)!.position, true);
          if (out === undefined || out === DEFERRED) continue;
          parts.push({ i, statements: [passMove(db, ref(i), at, next, held), ...out] });
        }
        // the checkpoints stay at 0 until the pass ends; its count of events moves with each commit
        handOver(l, parts, 0n, (i) => {
          if (i.pass && held > i.pass.events) i.pass.events = held;
        });
        at = next;
      }
      if (poison) {
        await stopAllAt(l, active, poison);
        return true;
      }
      // a turn of the event loop between pages (SQLite answers synchronously; see laneLoop)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await drain(l);
    return true;
  };

  /** Secondary indexes, once a read model has caught up (a no-op when they are there already). */
  const createIndexes = async (i: Instance) => {
    const specs = i.projection.indexes ?? [];
    if (i.indexed || specs.length === 0) return;
    await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
      for (const ix of specs) {
        const t = physicalTable(ix.table, i.projection.version);
        await trx.schema
          .createIndex(`${t}_${ix.name}`)
          .ifNotExists()
          .on(t)
          .columns([...ix.columns])
          .execute();
      }
    });
    i.indexed = true;
  };

  const takeOver = async (i: Instance) => {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto(ACTIVE)
        .values({ name: i.projection.name, version: i.projection.version })
        .onConflict((oc) => oc.column('name').doUpdateSet({ version: i.projection.version }))
        .execute();
    });
    for (const other of instances)
      if (other.projection.name === i.projection.name) other.active = other === i;
    // a version that took over is the one `waitFor` watches now: what waits may have been reached
    checkpointsMoved();
  };

  /** Take the checkpoints as the database has them (another runner may have moved them on). */
  const reloadCheckpoints = async (members: Instance[]) => {
    const rows = await db.selectFrom(CHECKPOINTS).selectAll().execute();
    for (const i of members) {
      const row = rows.find(
        (r) => r.name === i.projection.name && Number(r.version) === i.projection.version,
      );
      if (row) i.checkpoint = i.folded = i.applied = BigInt(row.position);
    }
    // moved on by another runner: what waits here may have been reached
    checkpointsMoved();
  };

  /**
   * A lane keeps going through infrastructure failures (a busy or dropped database): it reports and retries
   * from the committed checkpoints, forgetting what its read models folded beyond them.
   */
  const lane = async (l: Lane) => {
    while (running) {
      try {
        await laneLoop(l);
        return;
      } catch (err) {
        await Promise.all(l.pages.splice(0));
        const cause = l.failure ?? err;
        l.failure = undefined;
        l.recorder.take();
        for (const i of l.members) {
          i.projection.reset?.();
          i.folded = i.applied = i.checkpoint;
        }
        // a guard that failed: another runner moved a checkpoint first (or an earlier commit of this lane
        // failed, and was reported then); the lane resumes from where the database stands
        if (cause instanceof WriteExpectationFailed)
          await reloadCheckpoints(l.members).catch(() => undefined);
        else onFailure(cause);
        await sleep();
        await sleep();
      }
    }
    await Promise.all(l.pages.splice(0));
  };

  const laneLoop = async (l: Lane) => {
    const { members } = l;
    while (running && (await streamPass(l)));
    let prefetched: { after: bigint; limit: number; page: Promise<readonly RecordedEvent[]> } | undefined;
    let size = batchSize;
    while (running) {
      const live = members.filter((i) => i.state !== 'failed' && i.state !== 'stopped');
      if (live.length === 0) return drain(l);
      const from = live.reduce((m, i) => (i.applied < m ? i.applied : m), live[0]!.applied);
      // read ahead: the next page is fetched while this one is applied
      const limit = prefetched && prefetched.after === from ? prefetched.limit : size;
      const raw =
        prefetched && prefetched.after === from
          ? await prefetched.page
          : await store.readAll({ after: from, limit });
      prefetched = undefined;
      // behind the head: the batches grow (up to catchUpBatchSize); caught up: back to batchSize
      size = raw.length === limit ? Math.min(limit * 2, catchUpBatchSize) : batchSize;
      if (raw.length === limit) {
        const next = raw.at(-1)!.position;
        prefetched = { after: next, limit: size, page: store.readAll({ after: next, limit: size }) };
        prefetched.page.catch(() => undefined);
      }
      if (raw.length > 0) {
        const { projected, poison, lastGood } = decodePage(raw);
        // at most PAGES_IN_FLIGHT pages committing while this one is folded
        while (l.pages.length >= PAGES_IN_FLIGHT) await l.pages.shift();
        if (l.failure !== undefined) throw l.failure;
        // positions need not be dense (EventStoreDB's are byte offsets): stop at the last event decoded
        const last = poison ? (lastGood ?? from) : raw.at(-1)!.position;
        // before stopping at an undecodable event, what read models held back is written (an empty page when
        // it is the page's first event)
        if (last > from || poison) await applyPage(l, projected, last, raw.length === limit && !poison);
        if (poison) await stopAllAt(l, live, poison);
        // SQLite answers synchronously: without a turn of the event loop, a catch-up of many batches would run
        // as one chain of microtasks and hold back every timer and request of the process until it ended
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (raw.length < limit) {
        // caught up: what read models held back while catching up is written now (an empty page; no event
        // lies beyond any of them, as the read from the lowest found none)
        const held = live.filter((i) => i.state !== 'failed' && i.applied > i.folded);
        if (raw.length === 0 && held.length > 0)
          await applyPage(
            l,
            [],
            held.reduce((m, i) => (i.applied > m ? i.applied : m), held[0]!.applied),
            false,
          );
        await drain(l);
        head = await store.headPosition();
        for (const i of live)
          if (i.state === 'catching_up' && i.checkpoint >= head) {
            await createIndexes(i);
            i.state = 'live';
          }
        if (l.rebuild) {
          for (const i of live.filter((x) => x.state === 'live')) {
            await takeOver(i);
            members.splice(members.indexOf(i), 1);
            liveLane.members.push(i);
          }
          if (members.length === 0) return;
        }
        await sleep();
      }
    }
    await drain(l);
  };

  const newLane = (members: Instance[], rebuild: boolean): Lane => {
    const pages: Promise<void>[] = [];
    // a read model that reads sees every page the lane handed over before: it waits for their commits
    const recorder = recordingDb(db, dialect, () => Promise.all(pages).then(() => undefined));
    return { members, rebuild, pages, recorder };
  };

  let liveLane: Lane = newLane([], false);

  /** Events behind the head: past the checkpoint, or, during a stream pass, not yet in its committed pages. */
  const lagOf = (i: Instance): bigint => {
    const done = i.pass ? i.pass.events : i.checkpoint;
    return head > done ? head - done : 0n;
  };

  return {
    async start(): Promise<void> {
      await setup();
      head = await store.headPosition();
      running = true;
      liveLane = newLane(
        instances.filter((i) => i.active),
        false,
      );
      const pending = instances.filter((i) => !i.active);
      lanes = [liveLane, ...(pending.length ? [newLane(pending, true)] : [])].map(lane);
    },
    async stop(): Promise<void> {
      running = false;
      for (const wake of [...wakers]) wake();
      await Promise.allSettled(lanes);
      await Promise.allSettled([...ownWriters.values()].map((w) => w.close()));
      ownWriters.clear();
      for (const i of instances) if (i.state !== 'failed') i.state = 'stopped';
    },
    /** Wake the lanes now (after an in-process append) instead of at the next poll. */
    nudge(): void {
      for (const wake of [...wakers]) wake();
    },
    async status(): Promise<ProjectionStatus[]> {
      head = await store.headPosition();
      return instances.map((i) => ({
        name: i.projection.name,
        version: i.projection.version,
        active: i.active,
        checkpoint: i.checkpoint,
        lag: lagOf(i),
        state: i.state,
        ...(i.pass ? { pass: { ...i.pass } } : {}),
        ...(i.error ? { error: i.error } : {}),
      }));
    },
    /** Read-your-writes: resolves true once every active read model (or `name`) has reached `position`. */
    async waitFor(position: bigint, timeoutMs: number, name?: string): Promise<boolean> {
      const reached = () => {
        const watched = instances.filter(
          (i) => i.active && (!name || i.projection.name === name) && i.state !== 'failed',
        );
        return running && watched.length > 0 && watched.every((i) => i.checkpoint >= position);
      };
      if (reached()) return true;
      this.nudge();
      return new Promise<boolean>((resolve) => {
        const check = () => {
          if (!reached()) return;
          finish(true);
        };
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          progress.delete(check);
          resolve(ok);
        };
        const timer = setTimeout(() => finish(reached()), timeoutMs);
        progress.add(check);
      });
    },
    /** The physical table a query should read for a read model's base table (the active version's). */
    table(name: string, base: string): string {
      const i = instances.find((x) => x.projection.name === name && x.active);
      if (!i) throw new Error(`no active read model ${name}`);
      return physicalTable(base, i.projection.version);
    },
  };
};

export type ProjectionRunner = ReturnType<typeof projectionRunner>;
