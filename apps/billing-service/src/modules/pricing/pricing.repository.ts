import { Injectable } from '@nestjs/common';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { PricePlan, PriceRates } from './price-plan';

const PRICE_PLANS = new TableMap<PricePlan>('price_plans', {
  id: 'id',
  currency: 'currency',
  version: 'version',
  baseMicrosPerHour: { column: 'base_micros_per_hour', decode: decodeColumn.bigint },
  cpuCoreMicrosPerHour: { column: 'cpu_core_micros_per_hour', decode: decodeColumn.bigint },
  memoryGbMicrosPerHour: { column: 'memory_gb_micros_per_hour', decode: decodeColumn.bigint },
  storageGbMicrosPerHour: { column: 'storage_gb_micros_per_hour', decode: decodeColumn.bigint },
  effectiveFrom: 'effective_from',
});

@Injectable()
export class PricingRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The version of `currency`'s plan in force at `at` (the database's now when null). */
  async findInForce(currency: string, at: Date | null): Promise<PricePlan | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${PRICE_PLANS.select()} FROM price_plans
       WHERE currency = $1 AND effective_from <= COALESCE($2::timestamptz, clock_timestamp())
       ORDER BY effective_from DESC, version DESC
       LIMIT 1`,
      [currency, at?.toISOString() ?? null],
    );
    return row ? PRICE_PLANS.decode(row) : null;
  }

  /**
   * Every version of `currency`'s plan, oldest first, and the database clock they were read at (null
   * when there is none). The shared side of insertNextVersion's lock, held to the end of the caller's
   * transaction, means no version is half-inserted meanwhile and any later one is in force only from
   * after `readAt`: what was read is complete for every start up to it.
   */
  async readVersions(currency: string): Promise<{ versions: PricePlan[]; readAt: Date | null }> {
    await this.sql.rows(`SELECT pg_advisory_xact_lock_shared(hashtext('price_plans:' || $1))`, [currency]);
    const rows = await this.sql.rows<Record<string, unknown> & { read_at: Date }>(
      `SELECT ${PRICE_PLANS.select()}, clock_timestamp() AS read_at FROM price_plans
       WHERE currency = $1 ORDER BY effective_from, version`,
      [currency],
    );
    return {
      versions: PRICE_PLANS.decodeAll(rows),
      readAt: rows.length > 0 ? new Date(rows[0].read_at) : null,
    };
  }

  /**
   * Inserts the next version of `currency`'s plan, in force from the database clock. The advisory
   * lock serialises concurrent changes of one currency, so versions and start times rise together.
   */
  async insertNextVersion(currency: string, rates: PriceRates, createdBy: string): Promise<PricePlan> {
    await this.sql.rows(`SELECT pg_advisory_xact_lock(hashtext('price_plans:' || $1))`, [currency]);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `INSERT INTO price_plans (currency, version, base_micros_per_hour, cpu_core_micros_per_hour,
                                memory_gb_micros_per_hour, storage_gb_micros_per_hour, effective_from, created_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, clock_timestamp(), $6
       FROM price_plans WHERE currency = $1
       RETURNING ${PRICE_PLANS.select()}`,
      [
        currency,
        rates.baseMicrosPerHour.toString(),
        rates.cpuCoreMicrosPerHour.toString(),
        rates.memoryGbMicrosPerHour.toString(),
        rates.storageGbMicrosPerHour.toString(),
        createdBy,
      ],
    );
    return PRICE_PLANS.decode(rows[0]);
  }
}
