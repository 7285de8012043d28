import type { Tier } from '../events/values';
import { defaultPolicyConfig } from './config';
import type { RankInput } from './tier-proposal';
import {
  defaultValueCategoryRule,
  proposeTiersByRank,
  tierOfCategory,
  trailingAmount,
  valueCategory,
} from './tier-proposal';

const customers = (tiers: Tier[], score = (i: number) => (tiers.length - i) * 1000): RankInput[] =>
  tiers.map((tier, i) => ({ archiveId: `a${String(i).padStart(2, '0')}`, tier, score: score(i) }));

const proposedTiers = (inputs: RankInput[]) => {
  const byId = new Map(proposeTiersByRank(defaultPolicyConfig, inputs).map((p) => [p.archiveId, p.to]));
  return inputs.map((x) => byId.get(x.archiveId) ?? x.tier);
};

describe('tier review (DOMAIN.md §5, 000 §五.2)', () => {
  it('§5 tier review: of ten customers ranked by score, the top 2 are proposed A, the next 4 B, the last 4 C', () => {
    const inputs = customers(Array<Tier>(10).fill('C'));
    expect(proposedTiers(inputs)).toEqual(['A', 'A', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'C']);
  });

  it('§5 tier review: a proposal says from, to, rank, of and score', () => {
    const [first] = proposeTiersByRank(defaultPolicyConfig, customers(['C', 'C', 'C', 'C', 'C']));
    expect(first).toEqual({ archiveId: 'a00', from: 'C', to: 'A', rank: 1, of: 5, score: 5000 });
  });

  it('§5 tier review: no proposal for a customer whose tier would not change', () => {
    const inputs = customers(['A', 'A', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'C']);
    expect(proposeTiersByRank(defaultPolicyConfig, inputs)).toEqual([]);
    const oneOff = customers(['A', 'B', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'A']);
    expect(proposeTiersByRank(defaultPolicyConfig, oneOff).map((p) => [p.archiveId, p.from, p.to])).toEqual([
      ['a01', 'B', 'A'],
      ['a09', 'A', 'C'],
    ]);
  });

  it('§5 tier review: ties keep a stable order by archive id, whatever order the input comes in', () => {
    const inputs = customers(Array<Tier>(5).fill('B'), () => 100);
    const forward = proposeTiersByRank(defaultPolicyConfig, inputs);
    const backward = proposeTiersByRank(defaultPolicyConfig, [...inputs].reverse());
    expect(backward).toEqual(forward);
    expect(forward.map((p) => [p.archiveId, p.to])).toEqual([
      ['a00', 'A'],
      ['a03', 'C'],
      ['a04', 'C'],
    ]);
  });

  it('§5 tier review: the scores rank, not the input order', () => {
    const inputs = customers(Array<Tier>(5).fill('B'), (i) => i * 10);
    expect(proposeTiersByRank(defaultPolicyConfig, inputs).map((p) => [p.archiveId, p.to])).toEqual([
      ['a04', 'A'],
      ['a01', 'C'],
      ['a00', 'C'],
    ]);
  });

  it('§5 tier review: no customers, no proposals', () => {
    expect(proposeTiersByRank(defaultPolicyConfig, [])).toEqual([]);
  });

  it('§5 tier review: the default score is the trailing-12-month amount', () => {
    const txs = [
      { at: '2025-03-01T00:00:00.000Z', minor: 1 },
      { at: '2025-03-02T00:00:01.000Z', minor: 10 },
      { at: '2026-03-02T00:00:00.000Z', minor: 100 },
      { at: '2026-03-02T00:00:01.000Z', minor: 1000 },
    ];
    expect(trailingAmount(txs, '2026-03-02T00:00:00.000Z', 12)).toBe(110);
  });
});

describe('value categories (DOMAIN.md §5, 004 §3.3–3.6)', () => {
  const { importantYearly: imp, stableYearly: stable } = defaultValueCategoryRule;

  it.each([
    ['important', [imp, imp]],
    ['important', [0, imp, imp]],
    ['stable', [imp, stable]],
    ['stable', [stable, imp]],
    ['general', [imp, stable - 1]],
    ['general', [imp]],
    ['general', [5, 0]],
    ['potential', [0, 0]],
    ['potential', []],
  ] as const)('§5 value category: %s for yearly totals %j', (category, totals) => {
    expect(valueCategory(defaultValueCategoryRule, totals)).toBe(category);
  });

  it('§5 value category: important → A, stable → B, general and potential → C', () => {
    expect(['important', 'stable', 'general', 'potential'].map((c) => tierOfCategory(c as never))).toEqual([
      'A',
      'B',
      'C',
      'C',
    ]);
  });
});
