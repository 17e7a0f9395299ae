import { Injectable } from '@nestjs/common';
import type { ProxyPoolState } from '@cloudphone/contracts';
import {
  findPage,
  isForeignKeyViolation,
  type ListQuery,
  type Page,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
  decodeColumn,
} from '@cloudphone/shared';
import type { NewProxy, ProxyChanges, ProxyRecord } from './proxy-record';

/** The one mapping of `proxies` rows, shared by the repositories that read proxies. */
export const PROXIES = new TableMap<ProxyRecord>('proxies', {
  id: 'id',
  provider: 'provider',
  host: 'host',
  port: 'port',
  protocol: 'protocol',
  countryCode: 'country_code',
  city: 'city',
  type: 'proxy_type',
  status: 'status',
  qualityScore: 'quality_score',
  costPerHourMicros: { column: 'cost_per_hour_micros', decode: decodeColumn.bigint },
  costPerGbMicros: { column: 'cost_per_gb_micros', decode: decodeColumn.bigint },
  usernameEncrypted: 'username_encrypted',
  passwordEncrypted: 'password_encrypted',
  externalId: 'external_id',
  consecutiveFailures: 'consecutive_failures',
  quarantinedUntil: 'quarantined_until',
  lastProbeAt: 'last_probe_at',
  lastProbeOk: 'last_probe_ok',
  lastLatencyMs: 'last_latency_ms',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** Proxies of one pool state and country, with their average quality. */
export interface PoolCensusRow {
  state: ProxyPoolState;
  countryCode: string;
  count: number;
  averageQuality: number;
}

/** Why an insert did not add the proxy. */
export type InsertOutcome = { inserted: ProxyRecord } | { refused: 'duplicate' | 'unknown_provider' };

/** The pool state of a row: its status, except that a quarantine still ahead shows as quarantined. */
const POOL_STATE_SQL = `CASE WHEN status <> 'retired' AND quarantined_until > now() THEN 'quarantined' ELSE status END`;

@Injectable()
export class ProxiesRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<ProxyRecord>> {
    return findPage(this.sql, PROXIES, query);
  }

  async findById(id: string): Promise<ProxyRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${PROXIES.select()} FROM proxies WHERE id = $1`,
      [id],
    );
    return row ? PROXIES.decode(row) : null;
  }

  async insert(proxy: NewProxy): Promise<InsertOutcome> {
    try {
      const row = await this.sql.one<Record<string, unknown>>(
        `INSERT INTO proxies (provider, host, port, protocol, country_code, city, proxy_type, cost_per_hour_micros,
                              cost_per_gb_micros, username_encrypted, password_encrypted, external_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT DO NOTHING
         RETURNING ${PROXIES.select()}`,
        newProxyParameters(proxy),
      );
      return row ? { inserted: PROXIES.decode(row) } : { refused: 'duplicate' };
    } catch (error) {
      if (isForeignKeyViolation(error)) return { refused: 'unknown_provider' };
      throw error;
    }
  }

  /**
   * Adds or refreshes a provider's proxies by the vendor's id (an import): endpoint, place, type
   * and credentials follow the vendor; status, quality, probes and the rental stay as they are.
   * One statement per proxy, outside any transaction: a vendor entry that collides with another
   * row's endpoint is skipped alone instead of failing the import.
   */
  async upsertImported(proxies: NewProxy[]): Promise<{ inserted: number; updated: number; skipped: number }> {
    const counts = { inserted: 0, updated: 0, skipped: 0 };
    for (const proxy of proxies) {
      const outcome = await this.upsertOne(proxy);
      counts[outcome]++;
    }
    return counts;
  }

  private async upsertOne(proxy: NewProxy): Promise<'inserted' | 'updated' | 'skipped'> {
    try {
      const row = await this.sql.one<{ inserted: boolean }>(
        `INSERT INTO proxies AS p (provider, host, port, protocol, country_code, city, proxy_type, cost_per_hour_micros,
                                   cost_per_gb_micros, username_encrypted, password_encrypted, external_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (provider, external_id) WHERE external_id IS NOT NULL DO UPDATE
           SET host = excluded.host, port = excluded.port, protocol = excluded.protocol,
               country_code = excluded.country_code, city = excluded.city, proxy_type = excluded.proxy_type,
               username_encrypted = excluded.username_encrypted, password_encrypted = excluded.password_encrypted,
               updated_at = now()
         RETURNING (xmax = 0) AS inserted`,
        newProxyParameters(proxy),
      );
      return row?.inserted ? 'inserted' : 'updated';
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'proxies_endpoint_key') return 'skipped';
      throw error;
    }
  }

  async update(id: string, changes: ProxyChanges): Promise<ProxyRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE proxies SET city = coalesce($2, city),
              cost_per_hour_micros = coalesce($3, cost_per_hour_micros),
              cost_per_gb_micros = coalesce($4, cost_per_gb_micros),
              username_encrypted = coalesce($5, username_encrypted),
              password_encrypted = coalesce($6, password_encrypted),
              updated_at = now()
       WHERE id = $1 AND status <> 'retired'
       RETURNING ${PROXIES.select()}`,
      [
        id,
        changes.city ?? null,
        changes.costPerHourMicros?.toString() ?? null,
        changes.costPerGbMicros?.toString() ?? null,
        changes.usernameEncrypted ?? null,
        changes.passwordEncrypted ?? null,
      ],
    );
    return row ? PROXIES.decode(row) : null;
  }

  /**
   * Retires a proxy that nobody rents (the caller ended its rental first, in its transaction).
   * Null when it is rented again, retired already or unknown: only a free proxy changes here.
   */
  async retireIfFree(id: string): Promise<ProxyRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE proxies SET status = 'retired', updated_at = now() WHERE id = $1 AND status = 'available'
       RETURNING ${PROXIES.select()}`,
      [id],
    );
    return row ? PROXIES.decode(row) : null;
  }

  /** Proxies per pool state and country, with their average quality score (metrics). */
  countByStateAndCountry(): Promise<PoolCensusRow[]> {
    return this.sql.rows(
      `SELECT ${POOL_STATE_SQL} AS state, country_code AS "countryCode", count(*)::int AS count,
              avg(quality_score)::float8 AS "averageQuality"
       FROM proxies GROUP BY 1, 2`,
    );
  }

  /** Proxies per pool state. */
  countByState(): Promise<Array<{ state: ProxyPoolState; count: number }>> {
    return this.sql.rows(`SELECT ${POOL_STATE_SQL} AS state, count(*)::int AS count FROM proxies GROUP BY 1`);
  }

  /** Proxies that are not retired, per quality band of 20 points (80–100 is the top band). */
  countByQualityBand(): Promise<Array<{ band: number; count: number }>> {
    return this.sql.rows(
      `SELECT least(quality_score / 20, 4) AS band, count(*)::int AS count
       FROM proxies WHERE status <> 'retired' GROUP BY 1`,
    );
  }
}

function newProxyParameters(proxy: NewProxy): unknown[] {
  return [
    proxy.provider,
    proxy.host,
    proxy.port,
    proxy.protocol,
    proxy.countryCode,
    proxy.city,
    proxy.type,
    proxy.costPerHourMicros.toString(),
    proxy.costPerGbMicros.toString(),
    proxy.usernameEncrypted,
    proxy.passwordEncrypted,
    proxy.externalId,
  ];
}
