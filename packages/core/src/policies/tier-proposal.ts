import type { Tier } from '../events/values';
import type { PolicyConfig } from './config';

export interface RankInput {
  readonly archiveId: string;
  readonly tier: Tier;
  /** Trailing-window transaction amount in minor units (the default ranking score). */
  readonly score: number;
}

export interface TierProposal {
  readonly archiveId: string;
  readonly from: Tier;
  readonly to: Tier;
  readonly rank: number;
  readonly of: number;
  readonly score: number;
}

/**
 * 000 §五.2 / DOMAIN.md §5: rank customers by score; the top 20% are proposed A, the next 40% B, the rest C.
 * Only archives whose proposed tier differs from their tier get a proposal; a person decides.
 * Ties keep a stable order (by archive id) so the same input always proposes the same thing.
 */
export const proposeTiersByRank = (config: PolicyConfig, inputs: readonly RankInput[]): TierProposal[] => {
  const ranked = [...inputs].sort((a, b) => b.score - a.score || (a.archiveId < b.archiveId ? -1 : 1));
  const n = ranked.length;
  const aCut = Math.round(n * config.review.shares.A);
  const bCut = Math.round(n * (config.review.shares.A + config.review.shares.B));
  return ranked.flatMap((x, i) => {
    const to: Tier = i < aCut ? 'A' : i < bCut ? 'B' : 'C';
    return to === x.tier
      ? []
      : [{ archiveId: x.archiveId, from: x.tier, to, rank: i + 1, of: n, score: x.score }];
  });
};

/** 004 §3.3–3.6 value categories: important / stable / general / potential, by contract amounts over years. */
export type ValueCategory = 'important' | 'stable' | 'general' | 'potential';

export interface ValueCategoryRule {
  /** Yearly contract amount (minor units) at or above which a year counts as "important". */
  readonly importantYearly: number;
  /** Yearly contract amount at or above which a year counts as "stable". */
  readonly stableYearly: number;
  /** Consecutive years needed. */
  readonly years: number;
}

export const defaultValueCategoryRule: ValueCategoryRule = {
  importantYearly: 100_000_000, // ¥1,000,000 a year
  stableYearly: 20_000_000, // ¥200,000 a year
  years: 2,
};

/**
 * Classify by the last `years` consecutive yearly totals (most recent last): important when every one reaches
 * the important threshold, stable when every one reaches the stable threshold, general when there were
 * contracts, potential when there were none. Mapped to tiers: important → A, stable → B, general/potential → C.
 */
export const valueCategory = (rule: ValueCategoryRule, yearlyTotals: readonly number[]): ValueCategory => {
  const window = yearlyTotals.slice(-rule.years);
  if (window.length === rule.years && window.every((v) => v >= rule.importantYearly)) return 'important';
  if (window.length === rule.years && window.every((v) => v >= rule.stableYearly)) return 'stable';
  return yearlyTotals.some((v) => v > 0) ? 'general' : 'potential';
};

export const tierOfCategory = (c: ValueCategory): Tier =>
  c === 'important' ? 'A' : c === 'stable' ? 'B' : 'C';

/** The trailing-window score of one archive's transactions at `asOf`. */
export const trailingAmount = (
  transactions: readonly { at: string; minor: number }[],
  asOf: string,
  months: number,
): number => {
  const end = new Date(asOf);
  const start = new Date(end);
  start.setUTCMonth(start.getUTCMonth() - months);
  return transactions
    .filter((tx) => tx.at > start.toISOString() && tx.at <= end.toISOString())
    .reduce((s, tx) => s + tx.minor, 0);
};
