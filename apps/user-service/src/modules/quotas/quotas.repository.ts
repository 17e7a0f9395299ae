import { Injectable } from '@nestjs/common';
import type { QuotaResources, UserStatus, UserTier } from '@cloudphone/contracts';
import { currentTransactionManager, queryRows } from '@cloudphone/shared';
import { DataSource } from 'typeorm';
import type { QuotaState, UsageRecord, UsageRecordStatus } from './quota-state';

interface QuotaRow {
  user_id: string;
  user_status: UserStatus;
  stored: boolean;
  custom_limits: boolean;
  max_devices: string;
  max_cpu_cores: string;
  max_memory_mb: string;
  max_storage_gb: string;
  used_devices: string;
  used_cpu_cores: string;
  used_memory_mb: string;
  used_storage_gb: string;
}

interface RecordRow {
  allocation_id: string;
  user_id: string;
  status: UsageRecordStatus;
  devices: string;
  cpu_cores: string;
  memory_mb: string;
  storage_gb: string;
  applied_at: Date | null;
}

// A user's quota: the stored row, or the tier's defaults with zero usage before it exists.
const STATE_SELECT = `
  SELECT u.id AS user_id, u.status AS user_status, q.user_id IS NOT NULL AS stored,
         COALESCE(q.custom_limits, false) AS custom_limits,
         COALESCE(q.max_devices, d.max_devices) AS max_devices,
         COALESCE(q.max_cpu_cores, d.max_cpu_cores) AS max_cpu_cores,
         COALESCE(q.max_memory_mb, d.max_memory_mb) AS max_memory_mb,
         COALESCE(q.max_storage_gb, d.max_storage_gb) AS max_storage_gb,
         COALESCE(q.used_devices, 0) AS used_devices, COALESCE(q.used_cpu_cores, 0) AS used_cpu_cores,
         COALESCE(q.used_memory_mb, 0) AS used_memory_mb, COALESCE(q.used_storage_gb, 0) AS used_storage_gb
  FROM users u
  JOIN quota_tier_defaults d ON d.tier = u.tier
  LEFT JOIN user_quotas q ON q.user_id = u.id`;

const RETURNING_STATE = `RETURNING q.user_id, u.status AS user_status, true AS stored, q.custom_limits,
  q.max_devices, q.max_cpu_cores, q.max_memory_mb, q.max_storage_gb,
  q.used_devices, q.used_cpu_cores, q.used_memory_mb, q.used_storage_gb`;

const RECORD_COLUMNS =
  'allocation_id, user_id, status, devices, cpu_cores, memory_mb, storage_gb, applied_at';

/**
 * SQL for quotas and usage records. Statements that change usage are single conditional UPDATEs
 * (the database decides, under its row lock, whether a change fits), and must run inside
 * runInTransaction together with the usage record they belong to.
 */
@Injectable()
export class QuotasRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user's quota, or null when the user does not exist. */
  async findState(userId: string): Promise<QuotaState | null> {
    const rows = await this.rows<QuotaRow>(`${STATE_SELECT} WHERE u.id = $1`, [userId]);
    return rows[0] ? toState(rows[0]) : null;
  }

  /** The stored quota row, locked until the transaction ends; null when it does not exist yet. */
  async findStoredForUpdate(userId: string): Promise<QuotaState | null> {
    const rows = await this.rows<QuotaRow>(
      `SELECT q.user_id, u.status AS user_status, true AS stored, q.custom_limits,
              q.max_devices, q.max_cpu_cores, q.max_memory_mb, q.max_storage_gb,
              q.used_devices, q.used_cpu_cores, q.used_memory_mb, q.used_storage_gb
       FROM user_quotas q JOIN users u ON u.id = q.user_id
       WHERE q.user_id = $1
       FOR UPDATE OF q`,
      [userId],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  /** Creates the user's quota row from their tier's defaults unless it exists (lazy creation). */
  async createFromTierDefaults(userId: string): Promise<void> {
    await this.rows(
      `INSERT INTO user_quotas (user_id, max_devices, max_cpu_cores, max_memory_mb, max_storage_gb)
       SELECT u.id, d.max_devices, d.max_cpu_cores, d.max_memory_mb, d.max_storage_gb
       FROM users u JOIN quota_tier_defaults d ON d.tier = u.tier
       WHERE u.id = $1
       ON CONFLICT (user_id) DO NOTHING`,
      [userId],
    );
  }

  async tierDefaults(tier: UserTier): Promise<QuotaResources> {
    const rows = await this.rows<
      Pick<QuotaRow, 'max_devices' | 'max_cpu_cores' | 'max_memory_mb' | 'max_storage_gb'>
    >(
      `SELECT max_devices, max_cpu_cores, max_memory_mb, max_storage_gb FROM quota_tier_defaults WHERE tier = $1`,
      [tier],
    );
    if (!rows[0]) throw new Error(`quota_tier_defaults has no row for tier ${tier}`);
    return limitsOf(rows[0]);
  }

  /**
   * Adds `amounts` to an active user's usage only if every resource stays within its limit: the
   * check and the increment are this one statement. Null when it does not fit, the user is not
   * active, or the quota row does not exist yet.
   */
  async incrementWithinLimits(userId: string, amounts: QuotaResources): Promise<QuotaState | null> {
    const rows = await this.rows<QuotaRow>(
      `UPDATE user_quotas q
       SET used_devices = q.used_devices + $2, used_cpu_cores = q.used_cpu_cores + $3,
           used_memory_mb = q.used_memory_mb + $4, used_storage_gb = q.used_storage_gb + $5,
           updated_at = now()
       FROM users u
       WHERE q.user_id = $1 AND u.id = q.user_id AND u.status = 'active'
         AND q.used_devices + $2 <= q.max_devices AND q.used_cpu_cores + $3 <= q.max_cpu_cores
         AND q.used_memory_mb + $4 <= q.max_memory_mb AND q.used_storage_gb + $5 <= q.max_storage_gb
       ${RETURNING_STATE}`,
      [userId, amounts.devices, amounts.cpuCores, amounts.memoryMb, amounts.storageGb],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  /** Gives `amounts` back; the table's CHECKs refuse anything that would make usage negative. */
  async decrement(userId: string, amounts: QuotaResources): Promise<QuotaState> {
    const rows = await this.rows<QuotaRow>(
      `UPDATE user_quotas q
       SET used_devices = q.used_devices - $2, used_cpu_cores = q.used_cpu_cores - $3,
           used_memory_mb = q.used_memory_mb - $4, used_storage_gb = q.used_storage_gb - $5,
           updated_at = now()
       FROM users u
       WHERE q.user_id = $1 AND u.id = q.user_id
       ${RETURNING_STATE}`,
      [userId, amounts.devices, amounts.cpuCores, amounts.memoryMb, amounts.storageGb],
    );
    if (!rows[0]) throw new Error(`user_quotas has no row for user ${userId} holding an applied record`);
    return toState(rows[0]);
  }

  /** Replaces the limits of a stored (and locked) quota row. */
  async setLimits(userId: string, limits: QuotaResources, customLimits: boolean): Promise<QuotaState> {
    const rows = await this.rows<QuotaRow>(
      `UPDATE user_quotas q
       SET max_devices = $2, max_cpu_cores = $3, max_memory_mb = $4, max_storage_gb = $5,
           custom_limits = $6, updated_at = now()
       FROM users u
       WHERE q.user_id = $1 AND u.id = q.user_id
       ${RETURNING_STATE}`,
      [userId, limits.devices, limits.cpuCores, limits.memoryMb, limits.storageGb, customLimits],
    );
    if (!rows[0]) throw new Error(`user_quotas has no row for user ${userId}`);
    return toState(rows[0]);
  }

  /**
   * Records that an allocation now counts; false when a record for it already exists (a replay,
   * or a restore that came first). A concurrent insert of the same id waits for the first to end.
   */
  async insertAppliedRecord(allocationId: string, userId: string, amounts: QuotaResources): Promise<boolean> {
    const rows = await this.rows(
      `INSERT INTO quota_usage_records
         (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb, status, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'applied', now())
       ON CONFLICT (allocation_id) DO NOTHING
       RETURNING allocation_id`,
      [allocationId, userId, amounts.devices, amounts.cpuCores, amounts.memoryMb, amounts.storageGb],
    );
    return rows.length === 1;
  }

  /**
   * Records a restore for an allocation never reported, so its late report is not counted; false
   * when a record appeared meanwhile.
   */
  async insertRestoredMarker(allocationId: string, userId: string): Promise<boolean> {
    const rows = await this.rows(
      `INSERT INTO quota_usage_records
         (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb, status, restored_at)
       VALUES ($1, $2, 0, 0, 0, 0, 'restored', now())
       ON CONFLICT (allocation_id) DO NOTHING
       RETURNING allocation_id`,
      [allocationId, userId],
    );
    return rows.length === 1;
  }

  /**
   * Moves an applied record to restored and returns what it had taken; null when there is no
   * applied record for this allocation and user (never reported, or already restored).
   */
  async markRestored(allocationId: string, userId: string): Promise<UsageRecord | null> {
    const rows = await this.rows<RecordRow>(
      `UPDATE quota_usage_records
       SET status = 'restored', restored_at = now()
       WHERE allocation_id = $1 AND user_id = $2 AND status = 'applied'
       RETURNING ${RECORD_COLUMNS}`,
      [allocationId, userId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findRecord(allocationId: string): Promise<UsageRecord | null> {
    const rows = await this.rows<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM quota_usage_records WHERE allocation_id = $1`,
      [allocationId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  private rows<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return queryRows<T>(currentTransactionManager() ?? this.dataSource.manager, sql, parameters);
  }
}

function limitsOf(
  row: Pick<QuotaRow, 'max_devices' | 'max_cpu_cores' | 'max_memory_mb' | 'max_storage_gb'>,
): QuotaResources {
  return {
    devices: Number(row.max_devices),
    cpuCores: Number(row.max_cpu_cores),
    memoryMb: Number(row.max_memory_mb),
    storageGb: Number(row.max_storage_gb),
  };
}

function toState(row: QuotaRow): QuotaState {
  return {
    userId: row.user_id,
    userStatus: row.user_status,
    stored: row.stored,
    customLimits: row.custom_limits,
    limits: limitsOf(row),
    usage: {
      devices: Number(row.used_devices),
      cpuCores: Number(row.used_cpu_cores),
      memoryMb: Number(row.used_memory_mb),
      storageGb: Number(row.used_storage_gb),
    },
  };
}

function toRecord(row: RecordRow): UsageRecord {
  return {
    allocationId: row.allocation_id,
    userId: row.user_id,
    status: row.status,
    appliedAt: row.applied_at,
    amounts: {
      devices: Number(row.devices),
      cpuCores: Number(row.cpu_cores),
      memoryMb: Number(row.memory_mb),
      storageGb: Number(row.storage_gb),
    },
  };
}
