import { Injectable } from '@nestjs/common';
import { queryRows } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';
import type { UsageRecord } from './usage-record';

interface UsageRecordRow {
  id: string;
  allocation_id: string;
  account_id: string;
  user_id: string;
  tenant_id: string;
  device_id: string;
  started_at: Date;
  ended_at: Date;
  billed_seconds: number;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  price_plan_id: string;
  amount_minor: string;
  currency: string;
  balance_after_minor: string;
}

const COLUMNS = `id, allocation_id, account_id, user_id, tenant_id, device_id, started_at, ended_at,
  billed_seconds, cpu_cores, memory_mb, storage_gb, price_plan_id, amount_minor, currency, balance_after_minor`;

@Injectable()
export class UsageRepository {
  async findByAllocationId(manager: EntityManager, allocationId: string): Promise<UsageRecord | null> {
    const rows: UsageRecordRow[] = await queryRows(
      manager,
      `SELECT ${COLUMNS} FROM usage_records WHERE allocation_id = $1`,
      [allocationId],
    );
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /**
   * Inserts the record unless its allocation already has one (then returns false). A concurrent
   * insert of the same allocation makes this wait for that transaction and then do nothing, so
   * exactly one of any number of racing reports is recorded.
   */
  async insertUnlessRecorded(manager: EntityManager, record: UsageRecord): Promise<boolean> {
    const rows: Array<{ id: string }> = await queryRows(
      manager,
      `INSERT INTO usage_records (id, allocation_id, account_id, user_id, tenant_id, device_id, started_at,
         ended_at, billed_seconds, cpu_cores, memory_mb, storage_gb, price_plan_id, amount_minor, currency,
         balance_after_minor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
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
        record.currency,
        record.balanceAfterMinor.toString(),
      ],
    );
    return rows.length > 0;
  }
}

function toRecord(row: UsageRecordRow): UsageRecord {
  return {
    id: row.id,
    allocationId: row.allocation_id,
    accountId: row.account_id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    deviceId: row.device_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    billedSeconds: row.billed_seconds,
    cpuCores: row.cpu_cores,
    memoryMb: row.memory_mb,
    storageGb: row.storage_gb,
    pricePlanId: row.price_plan_id,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency,
    balanceAfterMinor: BigInt(row.balance_after_minor),
  };
}
