/*
 * Subscriber for the resume-after-SIGKILL test: delivers each event into a table of its own and saves its
 * checkpoint in the SAME transaction (what a projection does), then prints `got <position>`.
 */
import { loadCheckpointFrom, saveCheckpointIn } from '../../sqlite-checkpoints';
import { openSqliteStore } from '../../open-sqlite-store';
import type { ChildConfig } from './child-config';
import { childConfig, masterKeyOf, tell } from './child-config';

interface SubscribeLoopConfig extends ChildConfig {
  readonly name: string;
}

const config = childConfig<SubscribeLoopConfig>();
const { db, events } = openSqliteStore({ path: config.path, masterKey: masterKeyOf(config), pollMs: 20 });
db.exec('CREATE TABLE IF NOT EXISTS test_delivered (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL)');
const deliver = db.prepare('INSERT INTO test_delivered (position, event_id) VALUES (?, ?)');

const run = async () => {
  const from = loadCheckpointFrom(db, config.name);
  tell(`from ${from}`);
  for await (const e of events.subscribe({ after: from, batchSize: 7 })) {
    db.transaction(() => {
      deliver.run(e.position, e.eventId);
      saveCheckpointIn(db, config.name, e.position);
    })();
    tell(`got ${e.position}`);
  }
};

void run();
