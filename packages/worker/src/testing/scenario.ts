/* A time-travel scenario for the specs: a real store, the fixed clock, the handler, and one worker. */
import type { PolicyConfig, RecordedEvent, EventStore } from '@dossier/core';
import { commandHandler, defaultPolicyConfig, findingTypes, fixedClock } from '@dossier/core';
import { aCreateArchive, anActor } from '@dossier/core/testing';
import type { Worker, WorkerOptions } from '../worker';
import { createWorker } from '../worker';
import type { Dialect, StoreUnderTest } from './databases';
import { openStoreUnderTest } from './databases';

/** Every event of the log, page by page. */
export const allEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: out.at(-1)?.position ?? 0n, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
};

const isFinding = (type: string) => (findingTypes as readonly string[]).includes(type);

export interface RecordedFinding {
  readonly eventId: string;
  readonly archiveId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly actor: string;
  readonly commandId?: string;
}

export const findingsIn = async (store: EventStore): Promise<RecordedFinding[]> =>
  (await allEvents(store))
    .filter((e) => isFinding(e.type))
    .map((e) => ({
      eventId: e.eventId,
      archiveId: e.streamId.replace(/^archive-/, ''),
      type: e.type,
      data: e.data as Record<string, unknown>,
      actor: e.metadata.actor.id,
      ...(e.metadata.commandId ? { commandId: e.metadata.commandId } : {}),
    }));

export const actors = {
  rep: anActor('sales_rep', 'rep-1'),
  manager: anActor('marketing_manager', 'mm-1'),
  director: anActor('marketing_director', 'md-1'),
  keeper: anActor('customer_service', 'cs-1'),
};

export interface Scenario {
  readonly store: StoreUnderTest;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly worker: Worker;
  /** The JSON log lines the worker wrote. */
  readonly lines: string[];
  /** Run a command at the clock's time (or at `at`); throws on a refusal. */
  exec(command: Record<string, unknown>, at?: string): Promise<void>;
  create(archiveId: string, overrides?: Record<string, unknown>): Promise<void>;
  /** Set the clock and tick. */
  tickAt(at: string): ReturnType<Worker['tick']>;
  findings(): Promise<RecordedFinding[]>;
  /** Another worker on the same store and database. */
  another(options?: Partial<WorkerOptions>): Worker;
  close(): Promise<void>;
}

let commands = 0;

export const openScenario = async (
  dialect: Dialect,
  start: string,
  options: Partial<WorkerOptions> & { config?: PolicyConfig } = {},
): Promise<Scenario | undefined> => {
  const clock = fixedClock(start);
  const store = await openStoreUnderTest(dialect, clock);
  if (!store) return undefined;
  const config = options.config ?? defaultPolicyConfig;
  const handler = commandHandler({ store: store.events, keys: store.keys, clock, config });
  const lines: string[] = [];
  const workers: Worker[] = [];
  const make = (o: Partial<WorkerOptions> = {}) => {
    const w = createWorker({
      store: store.events,
      keys: store.keys,
      clock,
      config,
      db: store.db,
      dialect,
      log: (line) => lines.push(line),
      workerId: `w${workers.length + 1}`,
      projectionPollMs: 10,
      catchUpTimeoutMs: 10_000,
      ...options,
      ...o,
    });
    workers.push(w);
    return w;
  };
  const worker = make();
  const exec = async (command: Record<string, unknown>, at?: string) => {
    const r = await handler.execute({
      commandId: `cmd-${++commands}`,
      ...command,
      ...(at ? { issuedAt: at } : {}),
    });
    if (r._tag === 'Left') throw new Error(`${String(command.type)} refused: ${JSON.stringify(r.left)}`);
  };
  return {
    store,
    clock,
    worker,
    lines,
    exec,
    create: (archiveId, overrides = {}) => exec(aCreateArchive(archiveId, overrides)),
    async tickAt(at) {
      clock.set(at);
      return worker.tick();
    },
    findings: () => findingsIn(store.events),
    another: make,
    async close() {
      for (const w of workers) await w.stop();
      await store.close();
    },
  };
};
