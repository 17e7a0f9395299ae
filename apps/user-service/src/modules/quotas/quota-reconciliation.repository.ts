import { Injectable } from '@nestjs/common';
import type { QuotaResources } from '@cloudphone/contracts';
import { SqlClient } from '@cloudphone/shared';

/** An applied usage record old enough for reconciliation to question it. */
export interface StaleAppliedRecord {
  allocationId: string;
  userId: string;
  appliedAt: Date;
}

/** What setting a user's usage to the sum of their applied records found and did. */
export interface UsageRepair {
  /** The sum of the user's applied records, read under the quota row's lock. */
  applied: QuotaResources;
  /** False when usage already matched, or the sum would pass a limit (the CHECKs forbid that). */
  repaired: boolean;
}

// The sum of a user's applied records ($1) as QuotaResources columns.
const APPLIED_SUM = `SELECT COALESCE(sum(devices), 0)::bigint AS devices,
         COALESCE(sum(cpu_cores), 0)::bigint AS cpu_cores,
         COALESCE(sum(memory_mb), 0)::bigint AS memory_mb,
         COALESCE(sum(storage_gb), 0)::bigint AS storage_gb
  FROM quota_usage_records WHERE user_id = $1 AND status = 'applied'`;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

// Counts leave Postgres as float8, i.e. JS numbers: they stay far below 2^53.

/**
 * SQL of the quota-reconciliation job: which users and records to look at, and the one repair it
 * makes directly (usage back to the sum of the applied records). Giving an orphaned record's
 * quota back goes through QuotasService.restore, the path device-service's restores take.
 */
@Injectable()
export class QuotaReconciliationRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Up to `limit` users with a quota row, in id order after `afterUserId` (keyset paging on the
   * primary key; the nil UUID, below every generated id, starts from the first).
   */
  async usersAfter(afterUserId: string | null, limit: number): Promise<string[]> {
    const rows = await this.sql.rows<{ userId: string }>(
      `SELECT user_id AS "userId" FROM user_quotas WHERE user_id > $1::uuid ORDER BY user_id LIMIT $2`,
      [afterUserId ?? NIL_UUID, limit],
    );
    return rows.map((row) => row.userId);
  }

  /** The users' applied records applied more than `graceSeconds` ago. */
  staleAppliedRecords(userIds: string[], graceSeconds: number): Promise<StaleAppliedRecord[]> {
    return this.sql.rows<StaleAppliedRecord>(
      `SELECT allocation_id AS "allocationId", user_id AS "userId", applied_at AS "appliedAt"
       FROM quota_usage_records
       WHERE user_id = ANY($1::uuid[]) AND status = 'applied'
         AND applied_at < now() - make_interval(secs => $2)
       ORDER BY user_id, allocation_id`,
      [userIds, graceSeconds],
    );
  }

  /** Which of these allocations have an applied record. */
  async appliedAmong(allocationIds: string[]): Promise<Set<string>> {
    const rows = await this.sql.rows<{ allocationId: string }>(
      `SELECT allocation_id AS "allocationId" FROM quota_usage_records
       WHERE allocation_id = ANY($1::uuid[]) AND status = 'applied'`,
      [allocationIds],
    );
    return new Set(rows.map((row) => row.allocationId));
  }

  /**
   * The users whose stored usage differs from the sum of their applied records, read without
   * locks: a report or restore in flight can make a user appear here, so `repairUsage` decides.
   */
  async usageMismatches(userIds: string[]): Promise<string[]> {
    const rows = await this.sql.rows<{ userId: string }>(
      `SELECT q.user_id AS "userId"
       FROM user_quotas q
       CROSS JOIN LATERAL (
         SELECT COALESCE(sum(r.devices), 0) AS devices, COALESCE(sum(r.cpu_cores), 0) AS cpu_cores,
                COALESCE(sum(r.memory_mb), 0) AS memory_mb, COALESCE(sum(r.storage_gb), 0) AS storage_gb
         FROM quota_usage_records r WHERE r.user_id = q.user_id AND r.status = 'applied'
       ) a
       WHERE q.user_id = ANY($1::uuid[])
         AND (q.used_devices, q.used_cpu_cores, q.used_memory_mb, q.used_storage_gb)
             IS DISTINCT FROM (a.devices, a.cpu_cores, a.memory_mb, a.storage_gb)
       ORDER BY q.user_id`,
      [userIds],
    );
    return rows.map((row) => row.userId);
  }

  /**
   * The user's stored usage, with the quota row locked until the transaction ends. Reports and
   * restores change usage only under this lock, in the transaction that writes their record, so
   * once it is held the committed records are exactly what usage should add up to.
   */
  lockUsage(userId: string): Promise<QuotaResources | null> {
    return this.sql.one<QuotaResources>(
      `SELECT used_devices::float8 AS devices, used_cpu_cores::float8 AS "cpuCores",
              used_memory_mb::float8 AS "memoryMb", used_storage_gb::float8 AS "storageGb"
       FROM user_quotas WHERE user_id = $1
       FOR UPDATE`,
      [userId],
    );
  }

  /**
   * Sets the (locked) usage to the sum of the applied records in one conditional statement: only
   * when it differs and the sum fits the limits.
   */
  async repairUsage(userId: string): Promise<UsageRepair> {
    const row = await this.sql.one<QuotaResources & { repaired: boolean }>(
      `WITH applied AS (${APPLIED_SUM}),
       updated AS (
         UPDATE user_quotas q
         SET used_devices = a.devices, used_cpu_cores = a.cpu_cores, used_memory_mb = a.memory_mb,
             used_storage_gb = a.storage_gb, updated_at = now()
         FROM applied a
         WHERE q.user_id = $1
           AND (q.used_devices, q.used_cpu_cores, q.used_memory_mb, q.used_storage_gb)
               IS DISTINCT FROM (a.devices, a.cpu_cores, a.memory_mb, a.storage_gb)
           AND a.devices <= q.max_devices AND a.cpu_cores <= q.max_cpu_cores
           AND a.memory_mb <= q.max_memory_mb AND a.storage_gb <= q.max_storage_gb
         RETURNING q.user_id
       )
       SELECT a.devices::float8 AS devices, a.cpu_cores::float8 AS "cpuCores",
              a.memory_mb::float8 AS "memoryMb", a.storage_gb::float8 AS "storageGb",
              EXISTS (SELECT 1 FROM updated) AS repaired
       FROM applied a`,
      [userId],
    );
    if (!row) throw new Error(`the applied sum of user ${userId} returned no row`);
    const { repaired, ...applied } = row;
    return { applied, repaired };
  }
}
