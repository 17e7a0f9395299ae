import { Injectable } from '@nestjs/common';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { NewProxyProvider, ProxyProviderChanges, ProxyProviderRecord } from './proxy-provider-record';

export const PROXY_PROVIDERS = new TableMap<ProxyProviderRecord>('proxy_providers', {
  id: 'id',
  name: 'name',
  kind: 'kind',
  enabled: 'enabled',
  apiUrl: 'api_url',
  apiKeyEncrypted: 'api_key_encrypted',
  defaultCostPerHourMicros: { column: 'default_cost_per_hour_micros', decode: decodeColumn.bigint },
  defaultCostPerGbMicros: { column: 'default_cost_per_gb_micros', decode: decodeColumn.bigint },
  dailyBudgetMicros: { column: 'daily_budget_micros', decode: decodeColumn.nullableBigint },
  qualityScore: 'quality_score',
  rank: 'rank',
  lastImportedAt: 'last_imported_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class ProvidersRepository {
  constructor(private readonly sql: SqlClient) {}

  async list(): Promise<ProxyProviderRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${PROXY_PROVIDERS.select()} FROM proxy_providers ORDER BY name`,
    );
    return PROXY_PROVIDERS.decodeAll(rows);
  }

  async findById(id: string): Promise<ProxyProviderRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${PROXY_PROVIDERS.select()} FROM proxy_providers WHERE id = $1`,
      [id],
    );
    return row ? PROXY_PROVIDERS.decode(row) : null;
  }

  async findByName(name: string): Promise<ProxyProviderRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${PROXY_PROVIDERS.select()} FROM proxy_providers WHERE name = $1`,
      [name],
    );
    return row ? PROXY_PROVIDERS.decode(row) : null;
  }

  /** Null when the name is taken. */
  async insert(provider: NewProxyProvider): Promise<ProxyProviderRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `INSERT INTO proxy_providers (name, kind, api_url, api_key_encrypted, default_cost_per_hour_micros,
                                    default_cost_per_gb_micros, daily_budget_micros)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (name) DO NOTHING
       RETURNING ${PROXY_PROVIDERS.select()}`,
      [
        provider.name,
        provider.kind,
        provider.apiUrl,
        provider.apiKeyEncrypted,
        provider.defaultCostPerHourMicros.toString(),
        provider.defaultCostPerGbMicros.toString(),
        provider.dailyBudgetMicros?.toString() ?? null,
      ],
    );
    return row ? PROXY_PROVIDERS.decode(row) : null;
  }

  async update(id: string, changes: ProxyProviderChanges): Promise<ProxyProviderRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE proxy_providers SET api_url = coalesce($2, api_url),
              api_key_encrypted = coalesce($3, api_key_encrypted),
              default_cost_per_hour_micros = coalesce($4, default_cost_per_hour_micros),
              default_cost_per_gb_micros = coalesce($5, default_cost_per_gb_micros),
              daily_budget_micros = CASE WHEN $6 THEN $7::bigint ELSE daily_budget_micros END,
              updated_at = now()
       WHERE id = $1
       RETURNING ${PROXY_PROVIDERS.select()}`,
      [
        id,
        changes.apiUrl ?? null,
        changes.apiKeyEncrypted ?? null,
        changes.defaultCostPerHourMicros?.toString() ?? null,
        changes.defaultCostPerGbMicros?.toString() ?? null,
        changes.dailyBudgetMicros !== undefined,
        changes.dailyBudgetMicros?.toString() ?? null,
      ],
    );
    return row ? PROXY_PROVIDERS.decode(row) : null;
  }

  async setEnabled(id: string, enabled: boolean): Promise<ProxyProviderRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE proxy_providers SET enabled = $2, updated_at = now() WHERE id = $1
       RETURNING ${PROXY_PROVIDERS.select()}`,
      [id, enabled],
    );
    return row ? PROXY_PROVIDERS.decode(row) : null;
  }

  async markImported(id: string): Promise<void> {
    await this.sql.rows(`UPDATE proxy_providers SET last_imported_at = now() WHERE id = $1`, [id]);
  }

  /**
   * Deletes a provider that never had a proxy. One statement: a proxy added concurrently either
   * lands first (and the delete finds it) or fails its foreign key.
   */
  async deleteIfUnused(id: string): Promise<'deleted' | 'in_use' | 'not_found'> {
    const row = await this.sql.one<{ found: boolean; deleted: boolean }>(
      `WITH target AS (SELECT id, name FROM proxy_providers WHERE id = $1 FOR UPDATE),
            removed AS (
              DELETE FROM proxy_providers pp USING target
              WHERE pp.id = target.id AND NOT EXISTS (SELECT 1 FROM proxies p WHERE p.provider = target.name)
              RETURNING pp.id)
       SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM removed) AS deleted`,
      [id],
    );
    if (!row?.found) return 'not_found';
    return row.deleted ? 'deleted' : 'in_use';
  }

  /**
   * Providers best first: enabled before disabled, then by quality score, then by the average hourly
   * cost of their proxies. Probe figures cover the last `windowHours`.
   */
  ranking(windowHours: number): Promise<ProviderRankingRow[]> {
    return this.sql.rows(
      `SELECT row_number() OVER (ORDER BY pp.enabled DESC, pp.quality_score DESC, coalesce(px.avg_cost, 0), pp.name)::int
                AS rank,
              pp.id AS "providerId", pp.name, pp.enabled, pp.quality_score AS "qualityScore",
              coalesce(px.proxies, 0) AS proxies, coalesce(px.avg_cost, 0)::text AS "averageCostPerHourMicros",
              coalesce(pb.success_rate, 0) AS "successRate", pb.avg_latency AS "averageLatencyMs"
       FROM proxy_providers pp
       LEFT JOIN LATERAL (
         SELECT count(*)::int AS proxies, round(avg(cost_per_hour_micros))::bigint AS avg_cost
         FROM proxies WHERE provider = pp.name AND status <> 'retired') px ON true
       LEFT JOIN LATERAL (
         SELECT avg(CASE WHEN pr.ok THEN 1 ELSE 0 END)::float8 AS success_rate,
                round(avg(pr.latency_ms) FILTER (WHERE pr.ok))::int AS avg_latency
         FROM proxy_probes pr JOIN proxies p ON p.id = pr.proxy_id
         WHERE p.provider = pp.name AND pr.probed_at > now() - $1 * interval '1 hour') pb ON true
       ORDER BY rank`,
      [windowHours],
    );
  }

  /** Stores each provider's place in the ranking (acquisition prefers the better ranked). */
  async storeRanks(ranks: Array<{ providerId: string; rank: number }>): Promise<void> {
    await this.sql.rows(
      `UPDATE proxy_providers pp SET rank = r.rank
       FROM unnest($1::uuid[], $2::int[]) AS r(id, rank)
       WHERE pp.id = r.id AND pp.rank IS DISTINCT FROM r.rank`,
      [ranks.map((entry) => entry.providerId), ranks.map((entry) => entry.rank)],
    );
  }
}

export interface ProviderRankingRow {
  rank: number;
  providerId: string;
  name: string;
  enabled: boolean;
  qualityScore: number;
  proxies: number;
  averageCostPerHourMicros: string;
  successRate: number;
  averageLatencyMs: number | null;
}
