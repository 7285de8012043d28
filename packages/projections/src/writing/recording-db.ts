import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryResult } from 'kysely';
import {
  Kysely as KyselyDb,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { SqlStatement } from '@dossier/core';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

const isRead = (q: CompiledQuery): boolean =>
  q.query.kind === 'SelectQueryNode' || (q.query.kind === 'RawNode' && /^\s*select\b/i.test(q.sql));

/**
 * The database a read model sees while it folds a batch: what it writes is recorded, to be committed later
 * with the checkpoints (see `ReadModelWriter`); what it reads runs on `base` once `beforeRead` has resolved
 * (the runner waits there for the commits still under way, so a read sees every earlier batch).
 */
export const recordingDb = (base: Db, dialect: 'sqlite' | 'postgres', beforeRead: () => Promise<void>) => {
  let recorded: SqlStatement[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      if (isRead(q)) {
        await beforeRead();
        return base.executeQuery<R>(q);
      }
      recorded.push({ sql: q.sql, parameters: q.parameters });
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('a read model folding a batch cannot stream a query');
    },
  };
  const noTransactions = () =>
    Promise.reject(new Error('a read model folding a batch is in a transaction already'));
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: noTransactions,
    commitTransaction: noTransactions,
    rollbackTransaction: noTransactions,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const sqlite = dialect === 'sqlite';
  const recordingDialect: Dialect = {
    createAdapter: () => (sqlite ? new SqliteAdapter() : new PostgresAdapter()),
    createDriver: () => driver,
    createIntrospector: (db) => (sqlite ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
    createQueryCompiler: () => (sqlite ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
  };
  return {
    db: new KyselyDb<any>({ dialect: recordingDialect }),
    /** The statements recorded since the last call. */
    take(): SqlStatement[] {
      const out = recorded;
      recorded = [];
      return out;
    },
  };
};

export type RecordingDb = ReturnType<typeof recordingDb>;
