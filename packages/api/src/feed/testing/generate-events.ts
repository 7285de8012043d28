/* Many archive events fast, appended through the store directly (sealed as the command handler seals them), for tests and the benchmark. */
import { randomUUID } from 'node:crypto';
import type { ArchiveEvent, EventStore, EventToAppend, KeyStore } from '@dossier/core';
import { archiveStream, encodeEvent, sealPersonal, sealerFor } from '@dossier/core';
import { PERSONAL_NEEDLES } from './feed-test-app';

const actor = { id: 'gen-1', role: 'sales_rep', department: 'marketing', name: 'generator' } as const;

const archiveCreated = (archiveId: string, n: number, at: string): ArchiveEvent => ({
  type: 'ArchiveCreated',
  data: {
    archiveId,
    number: `GEN-${String(n).padStart(7, '0')}`,
    createdAt: at,
    createdBy: { id: actor.id },
    custodian: { id: actor.id, department: 'marketing' },
    department: 'marketing',
    tier: (['A', 'B', 'C'] as const)[n % 3]!,
    secrecyLevel: (['internal', 'confidential', 'secret'] as const)[n % 3]!,
    profile: {
      company: { name: `生成公司 ${n}`, bankAccount: PERSONAL_NEEDLES[0]! },
      classification: { industry: 'machinery', region: 'east', nature: 'private_limited', status: 'active' },
      people: [{ role: 'main_contact', name: PERSONAL_NEEDLES[1]!, mobile: PERSONAL_NEEDLES[2]! }],
      business: { mainBusiness: 'CNC machining' },
    },
  },
});

const contactLogged = (i: number, at: string): ArchiveEvent => ({
  type: 'ContactLogged',
  data: { contactId: `c-${i}`, channel: 'phone', at, withWhom: PERSONAL_NEEDLES[1]!, by: { id: actor.id } },
});

/**
 * `archives` archives of `perArchive` events each (ArchiveCreated, then ContactLogged), interleaved so that
 * the log mixes archives; appended `concurrency` streams at a time so that group commit batches them.
 */
export const generateArchiveEvents = async (
  store: { readonly events: EventStore; readonly keys: KeyStore },
  options: {
    archives: number;
    perArchive: number;
    concurrency?: number;
    onProgress?: (done: number) => void;
  },
): Promise<{ events: number; archives: string[] }> => {
  const { archives, perArchive } = options;
  const ids = Array.from({ length: archives }, () => randomUUID());
  const revisions = new Map<string, bigint>();
  const at = new Date().toISOString();
  const chunk = Math.max(1, Math.min(perArchive, 50));
  let done = 0;
  for (let from = 0; from < perArchive; from += chunk) {
    const to = Math.min(perArchive, from + chunk);
    const concurrency = options.concurrency ?? 64;
    for (let a = 0; a < archives; a += concurrency) {
      await Promise.all(
        ids.slice(a, a + concurrency).map(async (archiveId, k) => {
          const key = await store.keys.getOrCreate(archiveId);
          const seal = sealerFor(key, archiveId);
          const batch: EventToAppend[] = [];
          for (let i = from; i < to; i++) {
            const e = i === 0 ? archiveCreated(archiveId, a + k, at) : contactLogged(i, at);
            const encoded = encodeEvent(e);
            const id = randomUUID();
            batch.push({
              eventId: id,
              type: encoded.type,
              schemaVersion: encoded.schemaVersion,
              data: sealPersonal(encoded.type, encoded.data, seal),
              metadata: { actor, occurredAt: at, correlationId: id, causationId: id },
            });
          }
          const expected = revisions.get(archiveId) ?? 'no_stream';
          const res = await store.events.append(archiveStream(archiveId), batch, expected);
          if (res._tag === 'Left') throw new Error(`generator: conflict on ${archiveId}`);
          revisions.set(archiveId, res.right.nextRevision);
          done += batch.length;
        }),
      );
      options.onProgress?.(done);
    }
  }
  return { events: done, archives: ids };
};
