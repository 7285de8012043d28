// DOMAIN.md §5: every 2 months, rank every open archive and propose A / B / C where the tier should change.
import type { Kysely } from 'kysely';
import type { PolicyConfig, Tier, ValueCategoryRule } from '@dossier/core';
import { proposeTiersByRank, tierOfCategory, valueCategory } from '@dossier/core';
import type { Finding } from './schedule';
import { proposalIdOf } from './schedule';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface TierReviewTables {
  readonly db: Kysely<any>;
  /** Physical names of the read model's archive and transaction tables. */
  readonly archives: string;
  readonly transactions: string;
}

export interface ProposedFinding {
  readonly archiveId: string;
  readonly finding: Finding;
}

/** The start of a trailing window of `months` ending at `endMs`, as the core's `trailingAmount` counts it. */
const monthsBefore = (endMs: number, months: number): number => {
  const d = new Date(endMs);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
};

/** Amount per archive of the transactions in (fromMs, toMs] (all currencies summed in minor units). */
const amounts = async (t: TierReviewTables, fromMs: number, toMs: number): Promise<Map<string, number>> => {
  const rows = await t.db
    .selectFrom(t.transactions)
    .select(['archive_id', (eb) => eb.fn.sum('minor').as('total')])
    .where('at_ms', '>', fromMs)
    .where('at_ms', '<=', toMs)
    .groupBy('archive_id')
    .execute();
  return new Map(rows.map((r) => [r.archive_id as string, Number(r.total)]));
};

/** Open archives that existed when the period ended, with their tier now. */
const openArchives = async (
  t: TierReviewTables,
  asOfMs: number,
): Promise<{ archiveId: string; tier: Tier }[]> => {
  const rows = await t.db
    .selectFrom(t.archives)
    .select(['archive_id', 'tier', 'created_at'])
    .where('status', '=', 'open')
    .execute();
  return rows
    .filter((r) => Date.parse(r.created_at as string) <= asOfMs)
    .map((r) => ({ archiveId: r.archive_id as string, tier: r.tier as Tier }));
};

/**
 * The proposals of one review: by rank of the trailing-window amount (the default, 000 §五.2: 20 / 40 / 40)
 * or by the value categories of 004 §3.3–3.6 (`config.review.rule = 'value_category'`), over consecutive
 * trailing years. Only archives whose proposed tier differs are proposed; a person decides (TierChanged).
 */
export const tierReviewProposals = async (
  t: TierReviewTables,
  config: PolicyConfig,
  categoryRule: ValueCategoryRule,
  review: { readonly periodEnd: string; readonly asOf: string },
): Promise<ProposedFinding[]> => {
  const end = Date.parse(review.asOf);
  const archives = await openArchives(t, end);
  const proposal = (archiveId: string, data: Record<string, unknown>): ProposedFinding => ({
    archiveId,
    finding: {
      type: 'TierChangeProposed',
      data: { proposalId: proposalIdOf(archiveId, review.periodEnd), periodEnd: review.periodEnd, ...data },
    } as unknown as Finding,
  });

  if (config.review.rule === 'rank') {
    const scores = await amounts(t, monthsBefore(end, config.review.trailingMonths), end);
    const ranked = proposeTiersByRank(
      config,
      archives.map((a) => ({ ...a, score: scores.get(a.archiveId) ?? 0 })),
    );
    return ranked.map((p) =>
      proposal(p.archiveId, { from: p.from, to: p.to, rule: 'rank', rank: p.rank, of: p.of, score: p.score }),
    );
  }

  const years: Map<string, number>[] = [];
  for (let k = categoryRule.years; k >= 1; k--)
    years.push(await amounts(t, monthsBefore(end, 12 * k), monthsBefore(end, 12 * (k - 1))));
  return archives.flatMap((a) => {
    const category = valueCategory(
      categoryRule,
      years.map((y) => y.get(a.archiveId) ?? 0),
    );
    const to = tierOfCategory(category);
    return to === a.tier
      ? []
      : [proposal(a.archiveId, { from: a.tier, to, rule: 'value_category', category })];
  });
};
