import { Injectable } from '@nestjs/common';
import { queryRows } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';
import type { PricePlan, PriceRates } from './price-plan';

interface PricePlanRow {
  id: string;
  currency: string;
  version: number;
  base_micros_per_hour: string;
  cpu_core_micros_per_hour: string;
  memory_gb_micros_per_hour: string;
  storage_gb_micros_per_hour: string;
  effective_from: Date;
}

const COLUMNS = `id, currency, version, base_micros_per_hour, cpu_core_micros_per_hour,
  memory_gb_micros_per_hour, storage_gb_micros_per_hour, effective_from`;

@Injectable()
export class PricingRepository {
  /** The version of `currency`'s plan in force at `at` (the database's now when null). */
  async findInForce(manager: EntityManager, currency: string, at: Date | null): Promise<PricePlan | null> {
    const rows: PricePlanRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM price_plans
       WHERE currency = $1 AND effective_from <= COALESCE($2::timestamptz, clock_timestamp())
       ORDER BY effective_from DESC, version DESC
       LIMIT 1`,
      [currency, at?.toISOString() ?? null],
    );
    return rows.length > 0 ? toPricePlan(rows[0]) : null;
  }

  /** The first version of `currency`'s plan, if it has any. */
  async findEarliest(manager: EntityManager, currency: string): Promise<PricePlan | null> {
    const rows: PricePlanRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM price_plans WHERE currency = $1 ORDER BY effective_from, version LIMIT 1`,
      [currency],
    );
    return rows.length > 0 ? toPricePlan(rows[0]) : null;
  }

  /**
   * Inserts the next version of `currency`'s plan, in force from the database clock. The advisory
   * lock serialises concurrent changes of one currency, so versions and start times rise together.
   */
  async insertNextVersion(
    manager: EntityManager,
    currency: string,
    rates: PriceRates,
    createdBy: string,
  ): Promise<PricePlan> {
    await queryRows(manager, `SELECT pg_advisory_xact_lock(hashtext('price_plans:' || $1))`, [currency]);
    const rows: PricePlanRow[] = await queryRows(
      manager,
      `INSERT INTO price_plans (currency, version, base_micros_per_hour, cpu_core_micros_per_hour,
                                memory_gb_micros_per_hour, storage_gb_micros_per_hour, effective_from, created_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, clock_timestamp(), $6
       FROM price_plans WHERE currency = $1
       RETURNING ${COLUMNS}`,
      [
        currency,
        rates.baseMicrosPerHour.toString(),
        rates.cpuCoreMicrosPerHour.toString(),
        rates.memoryGbMicrosPerHour.toString(),
        rates.storageGbMicrosPerHour.toString(),
        createdBy,
      ],
    );
    return toPricePlan(rows[0]);
  }
}

function toPricePlan(row: PricePlanRow): PricePlan {
  return {
    id: row.id,
    currency: row.currency,
    version: row.version,
    baseMicrosPerHour: BigInt(row.base_micros_per_hour),
    cpuCoreMicrosPerHour: BigInt(row.cpu_core_micros_per_hour),
    memoryGbMicrosPerHour: BigInt(row.memory_gb_micros_per_hour),
    storageGbMicrosPerHour: BigInt(row.storage_gb_micros_per_hour),
    effectiveFrom: row.effective_from,
  };
}
