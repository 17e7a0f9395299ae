import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

/** One provider's spend on one UTC day. */
export interface DailySpend {
  day: string;
  provider: string;
  spendMicros: bigint;
  rentals: number;
}

/**
 * What proxies cost the platform, from the rentals: each rental's hourly cost for the part of it
 * that fell on the day (a live rental up to now), plus its traffic cost on the day it ended.
 */
@Injectable()
export class SpendRepository {
  constructor(private readonly sql: SqlClient) {}

  async daily(from: string, to: string): Promise<DailySpend[]> {
    const rows = await this.sql.rows<{ day: string; provider: string; spendMicros: string; rentals: number }>(
      `WITH days AS (
         SELECT d AS day_start, d + interval '1 day' AS day_end
         FROM generate_series($1::date::timestamp AT TIME ZONE 'UTC', $2::date::timestamp AT TIME ZONE 'UTC',
                              interval '1 day') AS d)
       SELECT (days.day_start AT TIME ZONE 'UTC')::date::text AS day, r.provider,
              ceil(sum(
                r.cost_per_hour_micros::numeric
                  * extract(epoch FROM least(coalesce(r.ended_at, now()), days.day_end) - greatest(r.started_at, days.day_start))
                  / 3600
                + CASE WHEN r.ended_at >= days.day_start AND r.ended_at < days.day_end
                       THEN r.cost_per_gb_micros::numeric * coalesce(r.bytes_used, 0) / 1000000000 ELSE 0 END
              ))::text AS "spendMicros",
              count(*)::int AS rentals
       FROM days JOIN proxy_rentals r
         ON r.started_at < days.day_end AND coalesce(r.ended_at, now()) > days.day_start
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [from, to],
    );
    return rows.map((row) => ({ ...row, spendMicros: BigInt(row.spendMicros) }));
  }

  /** Each provider's daily budget in force (its own, else the deployment's; null: none). */
  budgets(defaultBudgetMicros: number): Promise<Array<{ provider: string; budgetMicros: string | null }>> {
    return this.sql.rows(
      `SELECT name AS provider,
              coalesce(daily_budget_micros, nullif($1::bigint, 0))::text AS "budgetMicros"
       FROM proxy_providers ORDER BY name`,
      [defaultBudgetMicros],
    );
  }

  /** Enabled providers whose score fell below `threshold` while they have proxies (provider_failing). */
  failingProviders(threshold: number): Promise<Array<{ provider: string; qualityScore: number }>> {
    return this.sql.rows(
      `SELECT pp.name AS provider, pp.quality_score AS "qualityScore" FROM proxy_providers pp
       WHERE pp.enabled AND pp.quality_score < $1
         AND EXISTS (SELECT 1 FROM proxies p WHERE p.provider = pp.name AND p.status <> 'retired')`,
      [threshold],
    );
  }
}
