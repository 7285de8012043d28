import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { fixedClock } from '../ports/clock';
import { inMemoryEventStore } from '../memory/in-memory-event-store';
import { inMemoryKeyStore } from '../memory/in-memory-key-store';
import { commandHandler } from '../handler/command-handler';
import { loadArchive } from '../handler/load';
import { aCreateArchive, aLogContact, anActor, aProfile } from '../testing/fixtures';
import { archiveStream } from '../events/read-events';

const secret = fc.string({
  minLength: 8,
  maxLength: 20,
  unit: fc.constantFrom(...'赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许abcdefghijklmnop0123456789'.split('')),
});

describe('privacy (DOMAIN.md §1, §7)', () => {
  it('§7: no plaintext personal field appears in any stored event, before or after destruction; reads give destroyed markers', async () => {
    await fc.assert(
      fc.asyncProperty(secret, secret, secret, secret, async (person, mobile, account, contactName) => {
        const clock = fixedClock('2026-03-02T02:00:00.000Z');
        const store = inMemoryEventStore(clock);
        const keys = inMemoryKeyStore();
        const handler = commandHandler({ store, keys, clock });
        const id = randomUUID();
        const profile = aProfile();
        const ok = async (c: unknown) => {
          const r = await handler.execute(c);
          if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
        };
        await ok(
          aCreateArchive(id, {
            profile: {
              ...profile,
              company: { ...profile.company, bankAccount: account },
              people: [{ role: 'main_contact', name: person, mobile }],
            },
          }),
        );
        await ok(aLogContact(id, '2026-03-02T01:00:00.000Z', { withWhom: contactName }));
        await ok({
          type: 'UpdateArchive',
          commandId: 'u',
          archiveId: id,
          actor: anActor('sales_rep', 'rep-1'),
          reason: '新联系人',
          changes: {
            people: [{ role: 'principal', name: person + '2' }],
            company: { bankAccount: account + '9' },
          },
        });
        const needles = [person, mobile, account, contactName];
        const text = () => JSON.stringify(store.all().map((e) => [e.data, e.metadata]));
        for (const n of needles) expect(text()).not.toContain(n);
        await ok({
          type: 'RequestDestruction',
          commandId: 'r',
          archiveId: id,
          actor: anActor('customer_service', 'cs'),
          destructionId: 'd',
          reason: '无保存价值',
          basis: 'no_agreement',
        });
        await ok({
          type: 'ApproveDestruction',
          commandId: 'a',
          archiveId: id,
          actor: anActor('department_head', 'dh'),
          destructionId: 'd',
        });
        await ok({
          type: 'ExecuteDestruction',
          commandId: 'x',
          archiveId: id,
          actor: anActor('customer_service', 'cs2'),
          destructionId: 'd',
          witnesses: [{ id: 'w1' }, { id: 'w2' }],
          method: 'crypto-shredding',
        });
        for (const n of needles) expect(text()).not.toContain(n);
        const loaded = await loadArchive(store, keys, id);
        if (loaded._tag === 'Left') throw new Error(loaded.left.message);
        const read = JSON.stringify(loaded.right.events.map((e) => e.event));
        for (const n of needles) expect(read).not.toContain(n);
        expect(read).toContain('"$redacted":"destroyed"');
        expect(JSON.stringify(loaded.right.events.at(-1)!.event)).not.toContain('$redacted');
        expect(await store.readStream(archiveStream(id))).toHaveLength(6);
      }),
      { numRuns: 30 },
    );
  });
});
