import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import { decodeEvent, encodeEvent } from './serialization';
import { currentVersion, upcast } from './upcasters';
import type { EventOf } from './archive-events';

describe('upcasters: stored events are lifted version by version on read', () => {
  it('TransactionRecorded v1 (decimal yuan, short names) reads as v3 (minor units, currency, personInCharge)', () => {
    const v1 = {
      transactionId: 't1',
      number: 'HT-2019-001',
      time: '2019-06-01T02:00:00.000Z',
      amountYuan: 12345.67,
      inCharge: '李明',
      breach: false,
    };
    const res = decodeEvent({ type: 'TransactionRecorded', schemaVersion: 1, data: v1 });
    expect(res).toEqual({
      _tag: 'Right',
      right: {
        type: 'TransactionRecorded',
        data: {
          transactionId: 't1',
          number: 'HT-2019-001',
          at: '2019-06-01T02:00:00.000Z',
          amount: { minor: 1234567, currency: 'CNY' },
          personInCharge: '李明',
          breachOfContract: false,
        },
      },
    });
    expect(currentVersion('TransactionRecorded')).toBe(3);
  });

  it('round trip: any current TransactionRecorded written as v1, then upcast, reads back unchanged', () => {
    fc.assert(
      fc.property(
        fc.record({
          transactionId: fc.uuid(),
          number: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0),
          at: fc
            .date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
          minor: fc.integer({ min: 0, max: 1e12 }),
          personInCharge: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0),
          breachOfContract: fc.boolean(),
        }),
        (x) => {
          const current = {
            transactionId: x.transactionId,
            number: x.number,
            at: x.at,
            amount: { minor: x.minor, currency: 'CNY' },
            personInCharge: x.personInCharge,
            breachOfContract: x.breachOfContract,
          };
          const v1 = {
            transactionId: x.transactionId,
            number: x.number,
            time: x.at,
            amountYuan: x.minor / 100,
            inCharge: x.personInCharge,
            breach: x.breachOfContract,
          };
          const read = decodeEvent({ type: 'TransactionRecorded', schemaVersion: 1, data: v1 });
          expect(read).toEqual({ _tag: 'Right', right: { type: 'TransactionRecorded', data: current } });
          const again = decodeEvent(encodeEvent((read as { right: EventOf<'TransactionRecorded'> }).right));
          expect(again).toEqual(read);
        },
      ),
    );
  });

  it('a version written by a newer Dossier is refused with a clear message', () => {
    const res = upcast('TransactionRecorded', 4, {});
    expect(isLeft(res) && res.left.message).toMatch(/newer Dossier/);
    expect(isRight(upcast('ContactLogged', 1, { a: 1 }))).toBe(true);
    expect(isLeft(decodeEvent({ type: 'NoSuchEvent', schemaVersion: 1, data: {} }))).toBe(true);
  });
});
