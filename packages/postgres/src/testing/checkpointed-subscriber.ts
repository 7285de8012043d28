/*
 * Child process of the subscription-resume test: a projection that subscribes from its checkpoint and, for
 * each event, writes a row and the checkpoint in ONE transaction, until it is killed.
 * Env: DOSSIER_PG_URL, DOSSIER_SCHEMA. Needs a table projected(position bigint, stream_id text, revision bigint).
 * Output: "from <checkpoint>", then "seen <position>" per event committed.
 */
import { newDataKey } from '@dossier/core';
import { openPostgresStore } from '../open-store';

const main = async () => {
  const store = await openPostgresStore({
    url: process.env.DOSSIER_PG_URL,
    schema: process.env.DOSSIER_SCHEMA,
    masterKey: newDataKey(),
    pollMs: 50,
  });
  const name = 'resume-test-projection';
  const after = await store.checkpoints.load(name);
  process.stdout.write(`from ${after}\n`);
  for await (const e of store.events.subscribe({ after, batchSize: 25 })) {
    await store.transaction(async (client) => {
      await client.query('INSERT INTO projected (position, stream_id, revision) VALUES ($1, $2, $3)', [
        e.position.toString(),
        e.streamId,
        e.revision.toString(),
      ]);
      await store.saveCheckpointIn(client, name, e.position);
    });
    process.stdout.write(`seen ${e.position}\n`);
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`checkpointed-subscriber: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
