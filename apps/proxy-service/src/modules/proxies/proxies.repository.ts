import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { ProxyRecord, ProxyStatus } from './proxy-record';

const PROXIES = new TableMap<ProxyRecord>('proxies', {
  id: 'id',
  provider: 'provider',
  host: 'host',
  port: 'port',
  protocol: 'protocol',
  countryCode: 'country_code',
  status: 'status',
  qualityScore: 'quality_score',
  costPerGbMicros: 'cost_per_gb_micros',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class ProxiesRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<ProxyRecord>> {
    return findPage(this.sql, PROXIES, query);
  }

  /** Proxies per status and country, with their average quality score. */
  summarizeByStatusAndCountry(): Promise<
    Array<{ status: ProxyStatus; countryCode: string; count: number; averageQuality: number }>
  > {
    return this.sql.rows(
      `SELECT status, country_code AS "countryCode", count(*)::int AS count,
              avg(quality_score)::float8 AS "averageQuality"
       FROM proxies GROUP BY status, country_code`,
    );
  }
}
