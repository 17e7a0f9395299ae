import { Injectable } from '@nestjs/common';
import type { SmsProviderPerformanceItem, SmsStatisticsItem } from '@cloudphone/contracts';
import { SqlClient } from '@cloudphone/shared';

/** Figures over the numbers: providers' records, the pool's fill and spend, per-service statistics. */
@Injectable()
export class NumberStatsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Each provider's share of its last `window` users' numbers that got a code (ended numbers only;
   * a provider without any counts as 1 so a new one gets tried), with how many there were.
   */
  async successRates(window: number): Promise<Map<string, { rate: number; ended: number }>> {
    const rows = await this.sql.rows<{ provider: string; rate: number; ended: number }>(
      `SELECT p.name AS provider, coalesce(avg((n.code IS NOT NULL)::int), 1)::float8 AS rate, count(n.id)::int AS ended
       FROM sms_providers p
       LEFT JOIN LATERAL (
         SELECT id, code FROM sms_numbers
         WHERE provider = p.name AND user_id IS NOT NULL AND ended_at IS NOT NULL
         ORDER BY ended_at DESC LIMIT $1) n ON true
       GROUP BY p.name`,
      [window],
    );
    return new Map(rows.map((row) => [row.provider, { rate: row.rate, ended: row.ended }]));
  }

  /** Pooled numbers per (service, country) with at least `minRemainingSeconds` left. */
  async pooled(minRemainingSeconds: number): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ service: string; countryCode: string; count: number }>(
      `SELECT service, country_code AS "countryCode", count(*)::int AS count FROM sms_numbers
       WHERE status = 'pooled' AND expires_at > now() + $1 * interval '1 second' GROUP BY 1, 2`,
      [minRemainingSeconds],
    );
    return new Map(rows.map((row) => [`${row.service}:${row.countryCode}`, row.count]));
  }

  /** What numbers bought for the pool this UTC day cost, per currency (refunds not deducted). */
  async poolSpendToday(): Promise<Array<{ currency: string; costMinor: bigint }>> {
    const rows = await this.sql.rows<{ currency: string; costMinor: string }>(
      `SELECT cost_currency AS currency, sum(cost_minor)::text AS "costMinor" FROM sms_numbers
       WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
         AND (assigned_at IS NULL OR assigned_at > created_at)
       GROUP BY 1`,
    );
    return rows.map((row) => ({ currency: row.currency, costMinor: BigInt(row.costMinor) }));
  }

  performance(windowHours: number): Promise<SmsProviderPerformanceItem[]> {
    return this.sql.rows(
      `SELECT p.name AS provider, p.enabled, p.healthy,
              count(n.id)::int AS numbers, count(n.code)::int AS codes,
              coalesce(count(n.code)::float8 / nullif(count(n.id) FILTER (WHERE n.ended_at IS NOT NULL OR n.code IS NOT NULL), 0), 1)
                AS "successRate",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.code_received_at - coalesce(n.assigned_at, n.created_at)))
                FILTER (WHERE n.code IS NOT NULL) AS "medianSecondsToCode",
              (SELECT b.blocked_until FROM sms_blacklist b
               WHERE b.kind = 'provider' AND b.subject = p.name AND b.blocked_until > now()) AS "blockedUntil"
       FROM sms_providers p
       LEFT JOIN sms_numbers n ON n.provider = p.name AND n.user_id IS NOT NULL
                               AND n.created_at > now() - $1 * interval '1 hour'
       GROUP BY p.id ORDER BY p.name`,
      [windowHours],
    );
  }

  statistics(windowHours: number): Promise<SmsStatisticsItem[]> {
    return this.sql.rows(
      `SELECT service, country_code AS "countryCode",
              count(*) FILTER (WHERE user_id IS NOT NULL)::int AS numbers,
              count(code)::int AS codes,
              count(*) FILTER (WHERE user_id IS NOT NULL AND status = 'expired')::int AS expired,
              coalesce(sum(price_minor) FILTER (WHERE charged_at IS NOT NULL), 0)::text AS "chargedMinor",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM code_received_at - coalesce(assigned_at, created_at)))
                FILTER (WHERE code IS NOT NULL) AS "medianSecondsToCode",
              count(*) FILTER (WHERE status = 'pooled')::int AS pooled
       FROM sms_numbers WHERE created_at > now() - $1 * interval '1 hour' OR status = 'pooled'
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [windowHours],
    );
  }

  /** Numbers per status (metrics). */
  countByStatus(): Promise<Array<{ status: string; count: number }>> {
    return this.sql.rows(`SELECT status, count(*)::int AS count FROM sms_numbers GROUP BY status`);
  }
}
