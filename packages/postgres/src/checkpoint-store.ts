import type { ClientBase, Pool } from 'pg';
import type { CheckpointStore } from '@dossier/core';
import { schemaNames } from './schema-names';

type Queryable = Pool | ClientBase;

/**
 * Save a checkpoint with `client`, typically inside the transaction that also writes the read models it
 * covers, so that both commit or neither does (exactly-once projection).
 */
export const saveCheckpointIn = async (
  client: Queryable,
  name: string,
  position: bigint,
  schema = 'dossier',
): Promise<void> => {
  const { q } = schemaNames(schema);
  await client.query({
    name: `${schema}.checkpoint_save`,
    text: `INSERT INTO ${q}.checkpoints (name, position) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
    values: [name, position.toString()],
  });
};

/** Load a checkpoint with `client` (0n when there is none), e.g. under the transaction's snapshot. */
export const loadCheckpointIn = async (
  client: Queryable,
  name: string,
  schema = 'dossier',
): Promise<bigint> => {
  const { q } = schemaNames(schema);
  const res = await client.query<[string]>({
    name: `${schema}.checkpoint_load`,
    text: `SELECT position FROM ${q}.checkpoints WHERE name = $1`,
    values: [name],
    rowMode: 'array',
  });
  return res.rows[0] ? BigInt(res.rows[0][0]) : 0n;
};

/** The CheckpointStore port on the `checkpoints` table (name → bigint position). */
export const postgresCheckpointStore = (pool: Pool, schema = 'dossier'): CheckpointStore => ({
  load: (name) => loadCheckpointIn(pool, name, schema),
  save: (name, position) => saveCheckpointIn(pool, name, position, schema),
});
