import { Injectable } from '@nestjs/common';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { UsageRecord } from './usage-record';

const USAGE_RECORDS = new TableMap<UsageRecord>('usage_records', {
  id: 'id',
  allocationId: 'allocation_id',
  accountId: 'account_id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  deviceId: 'device_id',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  billedSeconds: 'billed_seconds',
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  pricePlanId: 'price_plan_id',
  amountMinor: { column: 'amount_minor', decode: decodeColumn.bigint },
  slicedSeconds: 'sliced_seconds',
  slicedMinor: { column: 'sliced_minor', decode: decodeColumn.bigint },
  currency: 'currency',
  balanceAfterMinor: { column: 'balance_after_minor', decode: decodeColumn.bigint },
});

const INSERTED_COLUMNS = `id, allocation_id, account_id, user_id, tenant_id, device_id, started_at, ended_at,
  billed_seconds, cpu_cores, memory_mb, storage_gb, price_plan_id, amount_minor, sliced_seconds, sliced_minor,
  currency, balance_after_minor`;

/**
 * For a set statement that records usages: a data-modifying CTE body inserting the records of
 * `parameter` (a jsonb array of `usageRecordsParameter`) unless their allocation has one already (or
 * gets one concurrently, which it waits for). It returns the id and allocation_id of each inserted
 * record, so the statement's other writes can join what was really recorded.
 */
export function usageRecordsInsertSql(parameter: string): string {
  return `INSERT INTO usage_records (${INSERTED_COLUMNS})
    SELECT ${INSERTED_COLUMNS} FROM jsonb_populate_recordset(NULL::usage_records, ${parameter}::jsonb)
    ON CONFLICT (allocation_id) DO NOTHING
    RETURNING id, allocation_id`;
}

/** The records as the jsonb parameter `usageRecordsInsertSql` reads. */
export function usageRecordsParameter(records: readonly UsageRecord[]): string {
  return JSON.stringify(
    records.map((record) => ({
      id: record.id,
      allocation_id: record.allocationId,
      account_id: record.accountId,
      user_id: record.userId,
      tenant_id: record.tenantId,
      device_id: record.deviceId,
      started_at: record.startedAt.toISOString(),
      ended_at: record.endedAt.toISOString(),
      billed_seconds: record.billedSeconds,
      cpu_cores: record.cpuCores,
      memory_mb: record.memoryMb,
      storage_gb: record.storageGb,
      price_plan_id: record.pricePlanId,
      amount_minor: record.amountMinor.toString(),
      sliced_seconds: record.slicedSeconds,
      sliced_minor: record.slicedMinor.toString(),
      currency: record.currency,
      balance_after_minor: record.balanceAfterMinor.toString(),
    })),
  );
}

@Injectable()
export class UsageRepository {
  constructor(private readonly sql: SqlClient) {}

  async findByAllocationId(allocationId: string): Promise<UsageRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${USAGE_RECORDS.select()} FROM usage_records WHERE allocation_id = $1`,
      [allocationId],
    );
    return row ? USAGE_RECORDS.decode(row) : null;
  }

  /** The records of those allocations that have one (any order). */
  async findByAllocationIds(allocationIds: string[]): Promise<UsageRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${USAGE_RECORDS.select()} FROM usage_records WHERE allocation_id = ANY($1::uuid[])`,
      [allocationIds],
    );
    return rows.map((row) => USAGE_RECORDS.decode(row));
  }

  /**
   * Inserts the record unless its allocation already has one (then returns false). A concurrent
   * insert of the same allocation makes this wait for that transaction and then do nothing, so
   * exactly one of any number of racing reports is recorded.
   */
  async insertUnlessRecorded(record: UsageRecord): Promise<boolean> {
    const rows = await this.sql.rows<{ id: string }>(
      `INSERT INTO usage_records (${INSERTED_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (allocation_id) DO NOTHING
       RETURNING id`,
      [
        record.id,
        record.allocationId,
        record.accountId,
        record.userId,
        record.tenantId,
        record.deviceId,
        record.startedAt.toISOString(),
        record.endedAt.toISOString(),
        record.billedSeconds,
        record.cpuCores,
        record.memoryMb,
        record.storageGb,
        record.pricePlanId,
        record.amountMinor.toString(),
        record.slicedSeconds,
        record.slicedMinor.toString(),
        record.currency,
        record.balanceAfterMinor.toString(),
      ],
    );
    return rows.length > 0;
  }
}
