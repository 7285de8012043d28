import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Json } from '@dossier/core';
import { anEvent } from '@dossier/core/testing';
import { freshStore, leftOf, rightOf } from './testing/fixtures';

describe('group commit', () => {
  it('N concurrent appends are committed in fewer transactions than N, each caller getting its own result', async () => {
    const { store, done } = freshStore('group');
    try {
      const before = store.stats();
      const n = 64;
      const streams = Array.from({ length: n }, () => `archive-${randomUUID()}`);
      const results = await Promise.all(
        streams.map((s, i) => store.events.append(s, [anEvent('E', { i })], 'no_stream')),
      );
      const after = store.stats();
      expect(after.units - before.units).toBe(n);
      expect(after.commits - before.commits).toBeLessThan(n);
      expect(after.commits - before.commits).toBeGreaterThanOrEqual(1);
      results.forEach((r, i) => {
        expect(rightOf(r).streamId).toBe(streams[i]);
        expect(rightOf(r).events[0]!.data).toEqual({ i });
      });
      const positions = results.map((r) => rightOf(r).position);
      expect(new Set(positions).size).toBe(n);
      expect(await store.events.headPosition()).toBe(BigInt(n));
    } finally {
      await done();
    }
  });

  it('one caller’s conflict, rolled back to its savepoint, does not fail the others in the same transaction', async () => {
    const { store, done } = freshStore('group-conflict');
    try {
      const s = `archive-${randomUUID()}`;
      rightOf(await store.events.append(s, [anEvent('A')], 'no_stream'));
      const commits = store.stats().commits;
      const [ok1, stale, ok2, alsoOk] = await Promise.all([
        store.events.append(`archive-${randomUUID()}`, [anEvent('B')], 'no_stream'),
        store.events.append(s, [anEvent('Stale')], 5n),
        store.events.append(s, [anEvent('C')], 0n),
        store.events.append(s, [anEvent('D')], 1n),
      ]);
      expect(store.stats().commits - commits).toBe(1);
      rightOf(ok1!);
      expect(leftOf(stale!)).toEqual({ _tag: 'ConcurrencyConflict', streamId: s, expected: 5n, actual: 0n });
      expect(rightOf(ok2!).nextRevision).toBe(1n);
      expect(rightOf(alsoOk!).nextRevision).toBe(2n);
      expect((await store.events.readStream(s)).map((e) => e.type)).toEqual(['A', 'C', 'D']);
    } finally {
      await done();
    }
  });

  it('an append that throws halfway is rolled back to its savepoint alone; its neighbours commit', async () => {
    const { store, done } = freshStore('group-throw');
    try {
      const bad = `archive-${randomUUID()}`;
      const good = `archive-${randomUUID()}`;
      // a bigint cannot be stored as JSON: the second event fails after the first one was inserted
      const poison = { amount: 1n } as unknown as Json;
      const [broken, fine] = await Promise.allSettled([
        store.events.append(bad, [anEvent('Ok'), anEvent('Poison', poison)], 'no_stream'),
        store.events.append(good, [anEvent('Fine')], 'no_stream'),
      ]);
      expect(broken!.status).toBe('rejected');
      expect(fine!.status).toBe('fulfilled');
      expect(await store.events.readStream(bad)).toEqual([]);
      expect((await store.events.streamHeads()).map((h) => h.streamId)).toEqual([good]);
      expect((await store.events.readAll()).map((e) => [e.position, e.type])).toEqual([[1n, 'Fine']]);
    } finally {
      await done();
    }
  });

  it('a caller is answered only after COMMIT: another connection sees the event the moment append resolves', async () => {
    const { store, file, done } = freshStore('group-visible');
    const other = new Database(file.path, { readonly: true });
    try {
      for (let i = 0; i < 20; i++) {
        const res = rightOf(await store.events.append(`archive-${i}`, [anEvent()], 'no_stream'));
        const seen = other
          .prepare('SELECT event_id FROM events WHERE position = ?')
          .pluck()
          .get(res.position);
        expect(seen).toBe(res.events[0]!.eventId);
      }
    } finally {
      other.close();
      await done();
    }
  });

  it('appends queued when the store closes are flushed before it closes; later ones are refused', async () => {
    const { store, file, done } = freshStore('group-close');
    const pending = store.events.append('archive-x', [anEvent()], 'no_stream');
    await store.close();
    rightOf(await pending);
    await expect(store.events.append('archive-y', [anEvent()], 'no_stream')).rejects.toThrow(/closed/);
    const db = new Database(file.path, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    db.close();
    await done();
  });
});
