// Named leases in the read-model database: which worker process runs the deadlines projection.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const LEASES = 'dossier_worker_leases';

/**
 * Create a table several processes may try to create at the same moment: PostgreSQL can answer
 * `IF NOT EXISTS` with a unique violation when two sessions race, so try again.
 */
export const createRacing = async (make: () => Promise<unknown>, attempts = 5): Promise<void> => {
  for (let i = 1; ; i++) {
    try {
      await make();
      return;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (i >= attempts || (code !== '23505' && code !== '42P07' && code !== '40P01')) throw e;
      await new Promise((r) => setTimeout(r, 20 * i));
    }
  }
};

export const createLeaseTable = (db: Kysely<any>): Promise<void> =>
  createRacing(() =>
    db.schema
      .createTable(LEASES)
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('until_ms', 'bigint', (c) => c.notNull())
      .execute(),
  );

/** Take or renew the lease `name` for `owner` until `nowMs + leaseMs`; true when `owner` holds it now. */
export const holdLease = async (
  db: Kysely<any>,
  name: string,
  owner: string,
  nowMs: number,
  leaseMs: number,
): Promise<boolean> => {
  const row = await db
    .insertInto(LEASES)
    .values({ name, owner, until_ms: nowMs + leaseMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, until_ms: nowMs + leaseMs })
        .where((eb) => eb.or([eb(`${LEASES}.owner`, '=', owner), eb(`${LEASES}.until_ms`, '<=', nowMs)])),
    )
    .returning('owner')
    .executeTakeFirst();
  return row?.owner === owner;
};

export const releaseLease = async (db: Kysely<any>, name: string, owner: string): Promise<void> => {
  await db.deleteFrom(LEASES).where('name', '=', name).where('owner', '=', owner).execute();
};
