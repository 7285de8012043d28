/* `npm start` until the API exists: create an archive, change it, and print its replayed history, verified. */
import { randomUUID } from 'node:crypto';
import { commandHandler } from '../handler/command-handler';
import { loadArchive } from '../handler/load';
import { archiveStream } from '../events/read-events';
import { verifyChain } from '../integrity/verify';
import { inMemoryEventStore } from '../memory/in-memory-event-store';
import { inMemoryKeyStore } from '../memory/in-memory-key-store';
import { systemClock } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import type { KeyStore } from '../ports/key-store';
import { aCreateArchive, anActor } from '../testing/fixtures';

export const runDemo = async (
  store: EventStore,
  keys: KeyStore,
  log: (s: string) => void = console.log,
): Promise<boolean> => {
  const handler = commandHandler({ store, keys, clock: systemClock });
  const id = randomUUID();
  const rep = anActor('sales_rep', 'rep-1');
  const steps: unknown[] = [
    aCreateArchive(id),
    {
      type: 'RecordInformation',
      commandId: randomUUID(),
      archiveId: id,
      actor: rep,
      receiptId: 'r1',
      channel: 'visit',
      summary: '客户搬迁至新址',
      receivedAt: new Date(Date.now() - 3600_000).toISOString(),
    },
    {
      type: 'UpdateArchive',
      commandId: randomUUID(),
      archiveId: id,
      actor: rep,
      reason: '客户搬迁',
      resolves: ['r1'],
      changes: { company: { address: '上海市闵行区莘庄工业区 1 号' } },
    },
    {
      type: 'LogContact',
      commandId: randomUUID(),
      archiveId: id,
      actor: rep,
      contactId: 'c1',
      channel: 'phone',
      contactedAt: new Date().toISOString(),
      withWhom: '王丽华',
    },
    {
      type: 'ChangeTier',
      commandId: randomUUID(),
      archiveId: id,
      actor: anActor('marketing_manager', 'mm-1'),
      to: 'A',
      reason: '近 12 个月交易额进入前 20%',
    },
    {
      type: 'UpdateArchive',
      commandId: randomUUID(),
      archiveId: id,
      actor: anActor('marketing_manager', 'mm-1'),
      reason: '重复提交',
      changes: { company: { address: '上海市闵行区莘庄工业区 1 号' } },
    },
  ];
  for (const step of steps) {
    const res = await handler.execute(step);
    const type = (step as { type: string }).type;
    if (res._tag === 'Left')
      log(`  ${type}: refused — ${'message' in res.left ? res.left.message : res.left._tag}`);
    else log(`  ${type}: revision ${res.right.revision}, position ${res.right.position}`);
  }
  const loaded = await loadArchive(store, keys, id);
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  log(`\nHistory of archive ${id}:`);
  for (const { recorded, event } of loaded.right.events) {
    const detail =
      event.type === 'ArchiveUpdated'
        ? event.data.changes
            .map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)
            .join('; ')
        : '';
    log(
      `  #${recorded.revision} ${recorded.recordedAt} ${event.type.padEnd(20)} by ${recorded.metadata.actor.id} ${detail}`,
    );
  }
  const verified = verifyChain(archiveStream(id), await store.readStream(archiveStream(id)));
  log(
    verified._tag === 'Right'
      ? `\nHash chain verified: ${verified.right.events} events, head ${verified.right.headHash.slice(0, 16)}…`
      : `\nBROKEN: ${verified.left.message}`,
  );
  return verified._tag === 'Right';
};

if (require.main === module) {
  runDemo(inMemoryEventStore(), inMemoryKeyStore()).then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
