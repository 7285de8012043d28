/* The one contract every ReadModelWriter passes: all of a commit or nothing, in the order handed over. */
import type { ReadModelWriter, SqlStatement } from '../ports/read-model-writer';
import { WriteExpectationFailed } from '../ports/read-model-writer';

export interface ReadModelWriterHarness {
  /**
   * A writer on a fresh database holding `create table t (k text primary key, v integer not null)`; undefined
   * when the database is unreachable and not required (the cases are then skipped, with a warning).
   */
  open(): Promise<
    | {
        readonly writer: ReadModelWriter;
        /** The rows of t, by key, read on another connection. */
        rows(): Promise<Record<string, number>>;
        close(): Promise<void>;
      }
    | undefined
  >;
  readonly placeholders: 'question' | 'dollar';
}

export const readModelWriterContract = (adapter: string, harness: ReadModelWriterHarness): void => {
  const p = (n: number) => (harness.placeholders === 'question' ? '?' : `$${n}`);
  const put = (k: string, v: number): SqlStatement => ({
    sql: `insert into t (k, v) values (${p(1)}, ${p(2)}) on conflict (k) do update set v = excluded.v`,
    parameters: [k, v],
  });
  /** The runner's guard: moves `k` from `from` to `to`, or fails the commit. */
  const move = (k: string, from: number, to: number): SqlStatement => ({
    sql: `update t set v = ${p(1)} where k = ${p(2)} and v = ${p(3)}`,
    parameters: [to, k, from],
    expectChanges: 1,
  });

  describe(`ReadModelWriter contract: ${adapter}`, () => {
    type Opened = NonNullable<Awaited<ReturnType<ReadModelWriterHarness['open']>>>;
    const withWriter = async (fn: (w: Opened) => Promise<void>) => {
      const w = await harness.open();
      if (!w) return console.warn(`${adapter} unreachable: skipped`);
      try {
        await fn(w);
      } finally {
        await w.close();
      }
    };

    it('applies every statement of a commit, in order', () =>
      withWriter(async ({ writer, rows }) => {
        await writer.commit([put('a', 1), put('b', 2), put('a', 3)]);
        expect(await rows()).toEqual({ a: 3, b: 2 });
      }));

    it('a statement that changes other than the rows it expects abandons the whole commit', () =>
      withWriter(async ({ writer, rows }) => {
        await writer.commit([put('cp', 10)]);
        const failed = writer.commit([put('row', 1), move('cp', 9, 20)]);
        await expect(failed).rejects.toBeInstanceOf(WriteExpectationFailed);
        await expect(failed).rejects.toMatchObject({ expected: 1, actual: 0 });
        expect(await rows()).toEqual({ cp: 10 });
        await writer.commit([put('row', 2), move('cp', 10, 20)]);
        expect(await rows()).toEqual({ cp: 20, row: 2 });
      }));

    it('a failing statement abandons the whole commit and the writer goes on', () =>
      withWriter(async ({ writer, rows }) => {
        await expect(
          writer.commit([
            put('a', 1),
            { sql: `insert into t (k, v) values (${p(1)}, null)`, parameters: ['b'] },
          ]),
        ).rejects.toMatchObject({ message: expect.stringMatching(/not.null/i) });
        expect(await rows()).toEqual({});
        await writer.commit([put('c', 3)]);
        expect(await rows()).toEqual({ c: 3 });
      }));

    it('commits handed over together apply in the order handed over; a failed one leaves the next to its guard', () =>
      withWriter(async ({ writer, rows }) => {
        await writer.commit([put('cp', 0)]);
        const results = await Promise.allSettled([
          writer.commit([put('x', 1), move('cp', 0, 1)]),
          writer.commit([put('x', 2), move('cp', 1, 2)]),
          writer.commit([put('y', 1), move('cp', 5, 6)]),
          writer.commit([put('x', 3), move('cp', 2, 3)]),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
        expect(await rows()).toEqual({ cp: 3, x: 3 });
      }));

    it('close waits for what was handed over', async () => {
      const w = await harness.open();
      if (!w) return console.warn(`${adapter} unreachable: skipped`);
      const pending = Array.from({ length: 20 }, (_, i) => w.writer.commit([put(`k${i}`, i)]));
      await w.writer.close();
      await Promise.all(pending);
      expect(Object.keys(await w.rows())).toHaveLength(20);
      await w.close();
    });
  });
};
