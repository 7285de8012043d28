import { commandHandler, fixedClock } from '@dossier/core';
import { aCreateArchive, anActor } from '@dossier/core/testing';
import { projectionRunner } from '@dossier/projections';
import { startInProcessWorker, workerProjections } from './embedded';
import { openStoreUnderTest } from './testing/databases';
import { findingsIn } from './testing/scenario';

const T0 = '2026-03-02T02:00:00.000Z';

describe.each(['sqlite', 'postgres'] as const)(
  'the worker inside the main process on %s (issue #6, deployment)',
  (dialect) => {
    it('§3 runs on the opened store and the main runner (which projects workerProjections()), ticking by itself', async () => {
      const clock = fixedClock(T0);
      const store = await openStoreUnderTest(dialect, clock);
      if (!store) return console.warn('PostgreSQL unreachable: skipped');
      const runner = projectionRunner({
        store: store.events,
        db: store.db,
        dialect,
        projections: workerProjections(),
        pollMs: 20,
      });
      const lines: string[] = [];
      try {
        await runner.start();
        const handler = commandHandler({ store: store.events, keys: store.keys, clock });
        await handler.execute(aCreateArchive('a1'));
        await handler.execute({
          type: 'RecordInformation',
          commandId: 'i1',
          archiveId: 'a1',
          actor: anActor('marketing_manager', 'mm-1'),
          receiptId: 'r1',
          channel: 'email',
          summary: '迁址',
          receivedAt: T0,
        });
        const worker = await startInProcessWorker({
          store: { events: store.events, keys: store.keys },
          db: store.db,
          dialect,
          clock,
          runner,
          tickMs: 30,
          log: (l) => lines.push(l),
        });
        clock.set('2026-03-04T02:00:00.000Z'); // two days later: breached
        const end = Date.now() + 10_000;
        while ((await findingsIn(store.events)).length === 0 && Date.now() < end)
          await new Promise((r) => setTimeout(r, 30));
        await worker.stop();
        expect((await findingsIn(store.events)).map((f) => f.type)).toEqual(['UpdateSlaBreached']);
        expect(worker.projecting()).toBe(false); // the main runner projects, not the worker
        expect(lines.map((l) => JSON.parse(l).msg)).toContain('finding recorded');
      } finally {
        await runner.stop();
        await store.close();
      }
    });
  },
);
