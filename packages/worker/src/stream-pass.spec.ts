import { physicalTable, projectionRunner } from '@dossier/projections';
import { pendingDeadlines } from './pending-deadlines';
import { actors, openScenario } from './testing/scenario';

const T0 = '2026-03-02T01:30:45.123Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

describe.each(['sqlite', 'postgres'] as const)(
  'pending deadlines rebuilt stream by stream on %s (issue #4)',
  (dialect) => {
    it('§3–§5 deadlines: a rebuild reading the log stream by stream leaves the rows a rebuild in position order leaves', async () => {
      const s = await openScenario(dialect, at(600));
      if (!s) return console.warn('PostgreSQL unreachable: skipped');
      try {
        // four archives whose histories interleave: receipts and updates (§3), contacts (§4), tiers and
        // trades (§5)
        const ids = ['a1', 'a2', 'a3', 'a4'];
        for (const id of ids) await s.create(id, { actor: actors.manager });
        for (let k = 0; k < 4; k++)
          for (const [n, id] of ids.entries()) {
            const m = 10 * k + n;
            await s.exec({
              type: 'RecordInformation',
              archiveId: id,
              actor: actors.manager,
              receiptId: `r${k}`,
              channel: 'email',
              summary: '客户迁址',
              receivedAt: at(m),
            });
            if (k % 2 === 0)
              await s.exec({
                type: 'UpdateArchive',
                archiveId: id,
                actor: actors.manager,
                changes: { company: { address: `上海市 ${m} 号` } },
                reason: '迁址',
                resolves: [`r${k}`],
              });
            await s.exec({
              type: 'RecordTransaction',
              archiveId: id,
              actor: actors.manager,
              transactionId: `tx-${k}`,
              number: `HT-${id}-${k}`,
              occurredAt: at(m + 2),
              amount: { minor: 1000 * (m + 1), currency: 'CNY' },
              personInCharge: '李明',
              breachOfContract: false,
            });
            await s.exec({
              type: 'LogContact',
              archiveId: id,
              actor: actors.manager,
              contactId: `c${k}`,
              channel: k % 2 ? 'visit' : 'phone',
              contactedAt: at(m + 1),
              withWhom: '王丽华',
            });
            if (k === 1)
              await s.exec({
                type: 'ChangeTier',
                archiveId: id,
                actor: actors.manager,
                to: n % 2 ? 'A' : 'C',
                reason: 'review',
              });
          }
        const head = await s.store.events.headPosition();
        const tables = async (version: number) => {
          const out: Record<string, string[]> = {};
          for (const base of pendingDeadlines.tables)
            out[base] = (await s.store.db.selectFrom(physicalTable(base, version)).selectAll().execute())
              .map((r) => JSON.stringify(r))
              .sort();
          return out;
        };
        // version 1 from nothing, stream by stream (the runner's default) …
        const byStream = projectionRunner({
          store: s.store.events,
          db: s.store.db,
          dialect,
          projections: [pendingDeadlines],
        });
        await byStream.start();
        expect(await byStream.waitFor(head, 20_000)).toBe(true);
        await byStream.stop();
        // … and version 2 beside it, in position order
        const byPosition = projectionRunner({
          store: s.store.events,
          db: s.store.db,
          dialect,
          projections: [{ ...pendingDeadlines, version: 2 }],
          byStream: false,
          pollMs: 10,
        });
        await byPosition.start();
        for (let t = 0; t < 400 && (await byPosition.status())[0]!.state !== 'live'; t++)
          await new Promise((r) => setTimeout(r, 25));
        await byPosition.stop();
        const [streamRows, positionRows] = [await tables(1), await tables(2)];
        expect(Object.values(streamRows).every((rows) => rows.length > 0)).toBe(true);
        expect(streamRows).toEqual(positionRows);
      } finally {
        await s.close();
      }
    }, 60_000);
  },
);
