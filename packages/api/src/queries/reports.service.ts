import { Inject, Injectable } from '@nestjs/common';
import type * as t from 'io-ts';
import type { DistributionQuery } from './query-codecs';
import { ReadModelsService } from './read-models.service';

type Counts = Record<string, number>;

/** 004 §5.1.4 analysis report: distribution by tier, industry, region, nature; movements between tiers. */
@Injectable()
export class ReportsService {
  constructor(@Inject(ReadModelsService) private readonly readModels: ReadModelsService) {}

  private async countBy(column: string): Promise<Counts> {
    const rows = await this.readModels.db
      .selectFrom(this.readModels.table('archive-list', 'archive_list'))
      .select([column, (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', 'open')
      .groupBy(column)
      .orderBy(column)
      .execute();
    return Object.fromEntries(rows.map((r) => [String(r[column]), Number(r.n)]));
  }

  async distribution(q: t.TypeOf<typeof DistributionQuery>) {
    const [byTier, byIndustry, byRegion, byNature] = [
      await this.countBy('tier'),
      await this.countBy('industry'),
      await this.countBy('region'),
      await this.countBy('nature'),
    ];
    let movements = this.readModels.db
      .selectFrom(this.readModels.table('tier-movements', 'tier_movements'))
      .selectAll();
    if (q.from !== undefined) movements = movements.where('month', '>=', q.from);
    if (q.to !== undefined) movements = movements.where('month', '<=', q.to);
    const rows = await movements.orderBy('month').orderBy('from_tier').orderBy('to_tier').execute();
    const tierMovements = rows.map((r) => ({
      month: r.month as string,
      from: r.from_tier as string,
      to: r.to_tier as string,
      direction: r.direction as string,
      count: Number(r.count),
    }));
    const sum = (d: string) =>
      tierMovements.filter((m) => m.direction === d).reduce((n, m) => n + m.count, 0);
    return {
      archives: Object.values(byTier).reduce((a, b) => a + b, 0),
      byTier,
      byIndustry,
      byRegion,
      byNature,
      tierMovements,
      movementTotals: { up: sum('up'), down: sum('down') },
    };
  }
}
