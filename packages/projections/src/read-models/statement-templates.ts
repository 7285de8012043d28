import type { Compilable, QueryResult } from 'kysely';
import { CompiledQuery } from 'kysely';
import type { ProjectionContext } from '../projection';

/**
 * Statements compiled once by kysely and run many times with new values. A read model writes the same few
 * statement shapes (a multi-row upsert of n rows, a select of n keys) batch after batch; building and
 * compiling each through kysely's query builder costs more than SQLite takes to run it. The builder is called
 * once per shape with slot markers as its values; the compiled SQL and the order in which the markers came
 * out become the template, so the values always bind in the order the dialect's compiler chose.
 */
interface Template {
  readonly sql: string;
  /** For each bound parameter of `sql`, the index of the value it takes. */
  readonly slots: readonly number[];
}

const CAPACITY = 1024;
const templates = new Map<string, Template>();
const MARK = '\u0001dossier-slot:';
const slot = (i: number): string => `${MARK}${i}\u0001`;

const compileTemplate = (build: (slot: (i: number) => string) => Compilable): Template => {
  const compiled = build(slot).compile();
  // a marker written into the SQL text instead of bound would leave its value unbound
  if (compiled.sql.includes(MARK)) throw new Error('statement template: a slot was inlined, not bound');
  const slots = compiled.parameters.map((p) => {
    const s = String(p);
    if (!s.startsWith(MARK)) throw new Error(`statement template: a value is not a slot: ${s}`);
    return Number(s.slice(MARK.length, -1));
  });
  return { sql: compiled.sql, slots };
};

/**
 * Run the statement `build` describes with `values`. `shape` names the statement's shape within the dialect
 * (table, columns, row count): two calls with the same shape must build the same statement.
 */
export const runTemplate = async <R = unknown>(
  ctx: ProjectionContext,
  shape: string,
  build: (slot: (i: number) => string) => Compilable,
  values: readonly unknown[],
): Promise<QueryResult<R>> => {
  const key = `${ctx.dialect}\u0000${shape}`;
  let t = templates.get(key);
  if (!t) {
    t = compileTemplate(build);
    templates.set(key, t);
    if (templates.size > CAPACITY) templates.delete(templates.keys().next().value as string);
  }
  return ctx.db.executeQuery<R>(
    CompiledQuery.raw(
      t.sql,
      t.slots.map((i) => values[i]),
    ),
  );
};
