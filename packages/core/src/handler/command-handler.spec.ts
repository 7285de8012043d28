import { randomUUID } from 'node:crypto';
import { isLeft, isRight } from 'fp-ts/Either';
import { fixedClock } from '../ports/clock';
import { inMemoryEventStore } from '../memory/in-memory-event-store';
import { inMemoryKeyStore } from '../memory/in-memory-key-store';
import { aCreateArchive, aLogContact, anActor } from '../testing/fixtures';
import { commandHandler } from './command-handler';
import { loadArchive } from './load';
import { verifyChain } from '../integrity/verify';
import { archiveStream } from '../events/read-events';

const setup = () => {
  const clock = fixedClock('2026-03-02T02:00:00.000Z');
  const store = inMemoryEventStore(clock);
  const keys = inMemoryKeyStore();
  return { clock, store, keys, handler: commandHandler({ store, keys, clock }) };
};

const right = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left')
    throw new Error(JSON.stringify(e.left, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  return e.right;
};

describe('command handler', () => {
  it('§2 建档: creates an archive and answers its id, revision and global position', async () => {
    const { handler, store } = setup();
    const id = randomUUID();
    const res = right(await handler.execute(aCreateArchive(id)));
    expect(res.archiveId).toBe(id);
    expect(res.revision).toBe(0n);
    expect(res.position).toBeGreaterThan(0n);
    expect(res.state.status).toBe('open');
    const [created] = await store.readStream(archiveStream(id));
    expect(created!.metadata).toMatchObject({
      actor: { id: 'rep-1', role: 'sales_rep' },
      occurredAt: '2026-03-02T02:00:00.000Z',
      commandId: `create-${id}`,
    });
  });

  it('idempotency: the same command id twice appends nothing new and answers the first result', async () => {
    const { handler, store } = setup();
    const id = randomUUID();
    const first = right(await handler.execute(aCreateArchive(id)));
    const contact = aLogContact(id, '2026-03-02T01:00:00.000Z');
    const a = right(await handler.execute(contact));
    const b = right(await handler.execute(contact));
    expect(b.replayed).toBe(true);
    expect(b.position).toBe(a.position);
    expect(b.revision).toBe(1n);
    expect(await store.readStream(archiveStream(id))).toHaveLength(2);
    expect(first.replayed).toBe(false);
  });

  it('idempotency is per actor: another actor reusing a command id is refused, and learns nothing of the first result', async () => {
    const { handler, store } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id)));
    const contact = aLogContact(id, '2026-03-02T01:00:00.000Z');
    right(await handler.execute(contact));
    const other = await handler.execute({ ...contact, actor: anActor('sales_rep', 'rep-2') });
    expect(isLeft(other) && other.left._tag === 'DomainError' && other.left.code).toBe('command.id-reused');
    expect(await store.readStream(archiveStream(id))).toHaveLength(2);
  });

  it('bad input: a command that fails its codec names every failing field path and appends nothing', async () => {
    const { handler, store } = setup();
    const bad = aCreateArchive(randomUUID(), {
      tier: 'D',
      extra: 1,
      profile: { company: {}, classification: {}, people: [], business: {} },
    });
    const res = await handler.execute(bad);
    expect(isLeft(res)).toBe(true);
    if (isLeft(res) && res.left._tag === 'ValidationError') {
      const paths = res.left.errors.map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining(['tier', 'extra', 'profile.company.name', 'profile.classification.industry']),
      );
      expect(res.left.errors.find((e) => e.path === 'extra')!.rule).toBe('unknown field');
    } else throw new Error('expected a ValidationError');
    expect(await store.headPosition()).toBe(0n);
  });

  it('§2 建档: archive numbers are unique across archives', async () => {
    const { handler } = setup();
    right(await handler.execute(aCreateArchive(randomUUID(), { number: 'KH-0001' })));
    const res = await handler.execute(aCreateArchive(randomUUID(), { number: 'KH-0001' }));
    expect(isLeft(res) && res.left._tag === 'DomainError' && res.left.code).toBe('archive.number-taken');
  });

  it('If-Match: a stale expected revision is a conflict and appends nothing', async () => {
    const { handler, store } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id)));
    right(await handler.execute(aLogContact(id, '2026-03-02T01:00:00.000Z')));
    const res = await handler.execute(aLogContact(id, '2026-03-02T01:30:00.000Z'), { expectedRevision: 0n });
    expect(isLeft(res) && res.left._tag).toBe('ConcurrencyConflict');
    expect(await store.readStream(archiveStream(id))).toHaveLength(2);
  });

  it('concurrent commands on one archive are all applied once: conflicts are retried, never lost or doubled', async () => {
    const { handler, store } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id)));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => handler.execute(aLogContact(id, `2026-03-01T0${i}:00:00.000Z`))),
    );
    expect(results.every(isRight)).toBe(true);
    const events = await store.readStream(archiveStream(id));
    expect(events).toHaveLength(9);
    expect(isRight(verifyChain(archiveStream(id), events))).toBe(true);
  });

  it("two handlers on one store (two processes): each sees the other's events, and a retry through either is answered once", async () => {
    const { store, keys, clock } = setup();
    const a = commandHandler({ store, keys, clock });
    const b = commandHandler({ store, keys, clock });
    const id = randomUUID();
    right(await a.execute(aCreateArchive(id)));
    const contact = aLogContact(id, '2026-03-02T01:00:00.000Z');
    right(await b.execute(contact));
    const tier = {
      type: 'ChangeTier',
      commandId: 'tier-1',
      archiveId: id,
      actor: anActor('marketing_manager', 'mm'),
      to: 'C',
      reason: '降级',
    };
    const viaA = right(await a.execute(tier));
    expect(viaA.revision).toBe(2n);
    const retried = right(await b.execute(tier));
    expect(retried.replayed).toBe(true);
    expect(retried.position).toBe(viaA.position);
    expect(right(await a.execute(contact)).replayed).toBe(true);
    const noop = await b.execute({ ...tier, commandId: 'tier-2' });
    expect(isLeft(noop) && noop.left._tag === 'DomainError' && noop.left.code).toBe('tier.unchanged');
    expect(await store.readStream(archiveStream(id))).toHaveLength(3);
  });

  it('§6 access: a forbidden command is refused with the rule and appends nothing', async () => {
    const { handler, store } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id, { tier: 'A' })));
    const res = await handler.execute(
      aLogContact(id, '2026-03-02T01:00:00.000Z', { actor: anActor('sales_rep', 'rep-1') }),
    );
    expect(isLeft(res) && res.left._tag).toBe('Forbidden');
    expect(isLeft(res) && 'message' in res.left && res.left.message).toMatch(
      /A-tier detail requires marketing manager/,
    );
    expect(await store.readStream(archiveStream(id))).toHaveLength(1);
  });

  it('§1 privacy: personal fields are stored encrypted; the archive reads back in plaintext with its key', async () => {
    const { handler, store, keys } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id)));
    right(await handler.execute(aLogContact(id, '2026-03-02T01:00:00.000Z')));
    const stored = JSON.stringify((await store.readStream(archiveStream(id))).map((e) => e.data));
    for (const pii of ['王丽华', '138 0013 8000', '6222 0210 0109 8765 432'])
      expect(stored).not.toContain(pii);
    expect(stored).toContain('上海东方精密机械有限公司');
    const loaded = right(await loadArchive(store, keys, id));
    expect(loaded.state.status === 'open' && loaded.state.profile.people).toEqual([
      expect.objectContaining({ name: '王丽华' }),
    ]);
  });

  it('§7 销毁: destruction deletes the key; the archive then reads with destroyed markers, never an exception, and every hash still verifies', async () => {
    const { handler, store, keys, clock } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id)));
    right(await handler.execute(aLogContact(id, '2026-03-02T01:00:00.000Z')));
    const cs = anActor('customer_service', 'cs-1');
    right(
      await handler.execute({
        type: 'RequestDestruction',
        commandId: 'x1',
        archiveId: id,
        actor: cs,
        destructionId: 'd1',
        reason: '未达成协议且无保存价值',
        basis: 'no_agreement',
      }),
    );
    right(
      await handler.execute({
        type: 'ApproveDestruction',
        commandId: 'x2',
        archiveId: id,
        actor: anActor('department_head', 'head-1'),
        destructionId: 'd1',
      }),
    );
    clock.advance(3600_000);
    const done = right(
      await handler.execute({
        type: 'ExecuteDestruction',
        commandId: 'x3',
        archiveId: id,
        actor: anActor('customer_service', 'cs-2'),
        destructionId: 'd1',
        witnesses: [
          { id: 'w-1', name: '监销人甲' },
          { id: 'w-2', name: '监销人乙' },
        ],
        method: 'crypto-shredding',
      }),
    );
    expect(done.state.status).toBe('destroyed');
    expect(await keys.get(id)).toBeUndefined();
    const loaded = right(await loadArchive(store, keys, id));
    expect(loaded.state.status).toBe('destroyed');
    if (loaded.state.status === 'destroyed') {
      expect(loaded.state.profile.people).toEqual({ $redacted: 'destroyed' });
      expect(loaded.state.profile.company.bankAccount).toEqual({ $redacted: 'destroyed' });
      expect(loaded.state.profile.company.name).toBe('上海东方精密机械有限公司');
    }
    const contact = loaded.events.find((e) => e.event.type === 'ContactLogged');
    expect(contact!.event.data).toMatchObject({ withWhom: { $redacted: 'destroyed' } });
    expect(isRight(verifyChain(archiveStream(id), await store.readStream(archiveStream(id))))).toBe(true);
    const after = await handler.execute(
      aLogContact(id, '2026-03-02T02:30:00.000Z', { actor: anActor('marketing_manager', 'mm') }),
    );
    expect(isLeft(after) && after.left._tag === 'DomainError' && after.left.code).toBe('archive.destroyed');
  });

  it("as-of by time is a prefix of the stream, even when writers' clocks disagree", async () => {
    const { handler, store, keys, clock } = setup();
    const id = randomUUID();
    clock.set('2026-03-02T08:00:00.000Z');
    right(await handler.execute(aCreateArchive(id)));
    clock.set('2026-03-02T10:00:00.000Z');
    right(
      await handler.execute({
        type: 'ChangeTier',
        commandId: 't1',
        archiveId: id,
        actor: anActor('marketing_manager', 'mm'),
        to: 'A',
        reason: '升级',
      }),
    );
    clock.set('2026-03-02T09:00:00.000Z'); // a writer whose clock is behind
    right(
      await handler.execute({
        type: 'ChangeTier',
        commandId: 't2',
        archiveId: id,
        actor: anActor('marketing_manager', 'mm'),
        to: 'C',
        reason: '降级',
      }),
    );
    const at = right(await loadArchive(store, keys, id, { until: '2026-03-02T09:30:00.000Z' }));
    expect(at.events.map((e) => e.recorded.revision)).toEqual([0n]);
    expect(at.state.status === 'open' && at.state.tier).toBe('B');
  });

  it('as-of: an archive loads as it was at a revision', async () => {
    const { handler, store, keys } = setup();
    const id = randomUUID();
    right(await handler.execute(aCreateArchive(id)));
    right(
      await handler.execute({
        type: 'ChangeTier',
        commandId: 't1',
        archiveId: id,
        actor: anActor('marketing_manager', 'mm'),
        to: 'A',
        reason: '年采购额进入前 20%',
      }),
    );
    const before = right(await loadArchive(store, keys, id, { toRevision: 0n }));
    const now = right(await loadArchive(store, keys, id));
    expect(before.state.status === 'open' && before.state.tier).toBe('B');
    expect(now.state.status === 'open' && now.state.tier).toBe('A');
  });
});
