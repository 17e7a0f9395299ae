import { Injectable } from '@nestjs/common';
import type { QuotaResources, UserTier } from '@cloudphone/contracts';
import {
  decodeColumn,
  isForeignKeyViolation,
  SqlClient,
  TableMap,
  violatedUniqueConstraint,
} from '@cloudphone/shared';
import type { QuotaState, UsageRecord } from './quota-state';

const TIER_DEFAULTS = new TableMap<QuotaResources>('quota_tier_defaults', {
  devices: { column: 'max_devices', decode: decodeColumn.safeInteger },
  cpuCores: { column: 'max_cpu_cores', decode: decodeColumn.safeInteger },
  memoryMb: { column: 'max_memory_mb', decode: decodeColumn.safeInteger },
  storageGb: { column: 'max_storage_gb', decode: decodeColumn.safeInteger },
});

/**
 * The nested QuotaResources of a quota or usage record, built in SQL so rows arrive in the
 * record's shape. The bigint counts become JSON numbers (they stay far below 2^53).
 */
function resources(devices: string, cpuCores: string, memoryMb: string, storageGb: string): string {
  return `json_build_object('devices', ${devices}, 'cpuCores', ${cpuCores},
    'memoryMb', ${memoryMb}, 'storageGb', ${storageGb})`;
}

// A user's quota: the stored row, or the tier's defaults with zero usage before it exists.
const STATE_SELECT = `
  SELECT u.id AS "userId", u.status AS "userStatus", q.user_id IS NOT NULL AS stored,
         COALESCE(q.custom_limits, false) AS "customLimits",
         ${resources(
           'COALESCE(q.max_devices, d.max_devices)',
           'COALESCE(q.max_cpu_cores, d.max_cpu_cores)',
           'COALESCE(q.max_memory_mb, d.max_memory_mb)',
           'COALESCE(q.max_storage_gb, d.max_storage_gb)',
         )} AS limits,
         ${resources(
           'COALESCE(q.used_devices, 0)',
           'COALESCE(q.used_cpu_cores, 0)',
           'COALESCE(q.used_memory_mb, 0)',
           'COALESCE(q.used_storage_gb, 0)',
         )} AS usage
  FROM users u
  JOIN quota_tier_defaults d ON d.tier = u.tier
  LEFT JOIN user_quotas q ON q.user_id = u.id`;

// A stored quota row `q` joined to its user `u`, as a QuotaState.
const STORED_STATE = `q.user_id AS "userId", u.status AS "userStatus", true AS stored,
  q.custom_limits AS "customLimits",
  ${resources('q.max_devices', 'q.max_cpu_cores', 'q.max_memory_mb', 'q.max_storage_gb')} AS limits,
  ${resources('q.used_devices', 'q.used_cpu_cores', 'q.used_memory_mb', 'q.used_storage_gb')} AS usage`;

/**
 * Adds the amounts at `$first`…`$first+3` (devices, cores, memory, storage) to the usage of the
 * active user `userParameter`, only if every resource stays within its limit, returning the state.
 */
function incrementWithinLimitsSql(userParameter: string, first: number): string {
  const amounts = [0, 1, 2, 3].map((offset) => `$${first + offset}`) as QuotaAmountsSql;
  return incrementEachWithinLimitsSql(amounts, 'users u', `q.user_id = ${userParameter}`, STORED_STATE);
}

/** SQL expressions of the amounts to add: devices, cores, memory, storage. */
type QuotaAmountsSql = [devices: string, cpuCores: string, memoryMb: string, storageGb: string];

/**
 * The conditional increment: `amounts` (expressions over `from`, which must name the user `u`)
 * added to each stored quota row `q` that `where` picks, of an active user, only if every resource
 * stays within its limit; `returning` what each changed row answers.
 */
function incrementEachWithinLimitsSql(
  [devices, cpuCores, memoryMb, storageGb]: QuotaAmountsSql,
  from: string,
  where: string,
  returning: string,
): string {
  return `UPDATE user_quotas q
    SET used_devices = q.used_devices + ${devices}, used_cpu_cores = q.used_cpu_cores + ${cpuCores},
        used_memory_mb = q.used_memory_mb + ${memoryMb}, used_storage_gb = q.used_storage_gb + ${storageGb},
        updated_at = now()
    FROM ${from}
    WHERE ${where} AND u.id = q.user_id AND u.status = 'active'
      AND q.used_devices + ${devices} <= q.max_devices AND q.used_cpu_cores + ${cpuCores} <= q.max_cpu_cores
      AND q.used_memory_mb + ${memoryMb} <= q.max_memory_mb
      AND q.used_storage_gb + ${storageGb} <= q.max_storage_gb
    RETURNING ${returning}`;
}

const RECORD_COLUMNS = `allocation_id AS "allocationId", user_id AS "userId", status,
  ${resources('devices', 'cpu_cores', 'memory_mb', 'storage_gb')} AS amounts, applied_at AS "appliedAt"`;

/** One allocation's usage to count against its user's quota. */
export interface UsageReport {
  allocationId: string;
  userId: string;
  amounts: QuotaResources;
}

/** What recording an allocation's usage did. */
export type AppliedRecordOutcome = 'recorded' | 'exists' | 'unknown-user';

/**
 * SQL for quotas and usage records. Statements that change usage are single conditional UPDATEs
 * (the database decides, under its row lock, whether a change fits), and must run inside
 * TransactionRunner.run together with the usage record they belong to.
 */
@Injectable()
export class QuotasRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The user's quota, or null when the user does not exist. */
  findState(userId: string): Promise<QuotaState | null> {
    return this.sql.one<QuotaState>(`${STATE_SELECT} WHERE u.id = $1`, [userId]);
  }

  /** The stored quota row, locked until the transaction ends; null when it does not exist yet. */
  findStoredForUpdate(userId: string): Promise<QuotaState | null> {
    return this.sql.one<QuotaState>(
      `SELECT ${STORED_STATE}
       FROM user_quotas q JOIN users u ON u.id = q.user_id
       WHERE q.user_id = $1
       FOR UPDATE OF q`,
      [userId],
    );
  }

  /** Creates the user's quota row from their tier's defaults unless it exists (lazy creation). */
  async createFromTierDefaults(userId: string): Promise<void> {
    await this.sql.rows(
      `INSERT INTO user_quotas (user_id, max_devices, max_cpu_cores, max_memory_mb, max_storage_gb)
       SELECT u.id, d.max_devices, d.max_cpu_cores, d.max_memory_mb, d.max_storage_gb
       FROM users u JOIN quota_tier_defaults d ON d.tier = u.tier
       WHERE u.id = $1
       ON CONFLICT (user_id) DO NOTHING`,
      [userId],
    );
  }

  async tierDefaults(tier: UserTier): Promise<QuotaResources> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${TIER_DEFAULTS.select()} FROM quota_tier_defaults WHERE tier = $1`,
      [tier],
    );
    if (!row) throw new Error(`quota_tier_defaults has no row for tier ${tier}`);
    return TIER_DEFAULTS.decode(row);
  }

  /**
   * Adds `amounts` to an active user's usage only if every resource stays within its limit: the
   * check and the increment are this one statement. Null when it does not fit, the user is not
   * active, or the quota row does not exist yet.
   */
  incrementWithinLimits(userId: string, amounts: QuotaResources): Promise<QuotaState | null> {
    return this.sql.one<QuotaState>(incrementWithinLimitsSql('$1', 2), [
      userId,
      amounts.devices,
      amounts.cpuCores,
      amounts.memoryMb,
      amounts.storageGb,
    ]);
  }

  /**
   * The common case of a usage report in one statement, outside any transaction: adds `amounts` to
   * an active user's stored quota within every limit and records the allocation as applied. When the
   * allocation already has a record (a replay, or a restore that came first, perhaps committed just
   * now), the record's unique key fails the statement, so the increment is undone with it and 'exists'
   * is answered; null when nothing changed for any other reason (no room, not active, no quota row).
   */
  async applyRecordedUsage(
    allocationId: string,
    userId: string,
    amounts: QuotaResources,
  ): Promise<QuotaState | 'exists' | null> {
    try {
      return await this.sql.one<QuotaState>(
        `WITH counted AS (${incrementWithinLimitsSql('$2', 3)}
         ), recorded AS (
           INSERT INTO quota_usage_records
             (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb, status, applied_at)
           SELECT $1, $2, $3, $4, $5, $6, 'applied', now() FROM counted
           RETURNING allocation_id
         )
         SELECT counted.* FROM counted, recorded`,
        [allocationId, userId, amounts.devices, amounts.cpuCores, amounts.memoryMb, amounts.storageGb],
      );
    } catch (error) {
      if (violatedUniqueConstraint(error)) return 'exists';
      throw error;
    }
  }

  /**
   * `applyRecordedUsage` for several reports in one statement, at most one per user and per
   * allocation (`reportsToApplyTogether`). Their quota rows are locked in user order before any is
   * changed, so batches running at once never deadlock. Answers the new state of each report it
   * applied, by allocationId; a report it did not apply (no room, not active, no quota row) is
   * absent. 'exists' when one of the allocations already has a record: the statement is undone as a
   * whole, and each report must go alone.
   */
  async applyRecordedUsages(reports: readonly UsageReport[]): Promise<Map<string, QuotaState> | 'exists'> {
    const column = (pick: (report: UsageReport) => string | number) => reports.map(pick);
    try {
      const rows = await this.sql.rows<QuotaState & { allocationId: string }>(
        `WITH reports AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
             AS r (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb)
         ), locked AS (
           SELECT user_id FROM user_quotas WHERE user_id IN (SELECT user_id FROM reports)
           ORDER BY user_id FOR UPDATE
         ), counted AS (${incrementEachWithinLimitsSql(
           ['r.devices', 'r.cpu_cores', 'r.memory_mb', 'r.storage_gb'],
           'reports r, locked l, users u',
           'l.user_id = q.user_id AND r.user_id = q.user_id',
           `r.allocation_id AS "allocationId", ${STORED_STATE}`,
         )}
         ), recorded AS (
           INSERT INTO quota_usage_records
             (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb, status, applied_at)
           SELECT r.allocation_id, r.user_id, r.devices, r.cpu_cores, r.memory_mb, r.storage_gb, 'applied', now()
           FROM reports r JOIN counted c ON c."allocationId" = r.allocation_id
           RETURNING allocation_id
         )
         SELECT c.* FROM counted c JOIN recorded d ON d.allocation_id = c."allocationId"`,
        [
          column((report) => report.allocationId),
          column((report) => report.userId),
          column((report) => report.amounts.devices),
          column((report) => report.amounts.cpuCores),
          column((report) => report.amounts.memoryMb),
          column((report) => report.amounts.storageGb),
        ],
      );
      return new Map(rows.map(({ allocationId, ...state }) => [allocationId, state]));
    } catch (error) {
      if (violatedUniqueConstraint(error)) return 'exists';
      throw error;
    }
  }

  /** Gives `amounts` back; the table's CHECKs refuse anything that would make usage negative. */
  async decrement(userId: string, amounts: QuotaResources): Promise<QuotaState> {
    const state = await this.sql.one<QuotaState>(
      `UPDATE user_quotas q
       SET used_devices = q.used_devices - $2, used_cpu_cores = q.used_cpu_cores - $3,
           used_memory_mb = q.used_memory_mb - $4, used_storage_gb = q.used_storage_gb - $5,
           updated_at = now()
       FROM users u
       WHERE q.user_id = $1 AND u.id = q.user_id
       RETURNING ${STORED_STATE}`,
      [userId, amounts.devices, amounts.cpuCores, amounts.memoryMb, amounts.storageGb],
    );
    if (!state) throw new Error(`user_quotas has no row for user ${userId} holding an applied record`);
    return state;
  }

  /** Replaces the limits of a stored (and locked) quota row. */
  async setLimits(userId: string, limits: QuotaResources, customLimits: boolean): Promise<QuotaState> {
    const state = await this.sql.one<QuotaState>(
      `UPDATE user_quotas q
       SET max_devices = $2, max_cpu_cores = $3, max_memory_mb = $4, max_storage_gb = $5,
           custom_limits = $6, updated_at = now()
       FROM users u
       WHERE q.user_id = $1 AND u.id = q.user_id
       RETURNING ${STORED_STATE}`,
      [userId, limits.devices, limits.cpuCores, limits.memoryMb, limits.storageGb, customLimits],
    );
    if (!state) throw new Error(`user_quotas has no row for user ${userId}`);
    return state;
  }

  /**
   * Records that an allocation now counts: 'exists' when a record for it already exists (a
   * replay, or a restore that came first), 'unknown-user' when no user has this id. A concurrent
   * insert of the same id waits for the first to end.
   */
  async insertAppliedRecord(
    allocationId: string,
    userId: string,
    amounts: QuotaResources,
  ): Promise<AppliedRecordOutcome> {
    try {
      const rows = await this.sql.rows(
        `INSERT INTO quota_usage_records
           (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb, status, applied_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'applied', now())
         ON CONFLICT (allocation_id) DO NOTHING
         RETURNING allocation_id`,
        [allocationId, userId, amounts.devices, amounts.cpuCores, amounts.memoryMb, amounts.storageGb],
      );
      return rows.length === 1 ? 'recorded' : 'exists';
    } catch (error) {
      if (isForeignKeyViolation(error)) return 'unknown-user';
      throw error;
    }
  }

  /**
   * Records a restore for an allocation never reported, so its late report is not counted; false
   * when a record appeared meanwhile.
   */
  async insertRestoredMarker(allocationId: string, userId: string): Promise<boolean> {
    const rows = await this.sql.rows(
      `INSERT INTO quota_usage_records
         (allocation_id, user_id, devices, cpu_cores, memory_mb, storage_gb, status, restored_at)
       VALUES ($1, $2, 0, 0, 0, 0, 'restored', now())
       ON CONFLICT (allocation_id) DO NOTHING
       RETURNING allocation_id`,
      [allocationId, userId],
    );
    return rows.length === 1;
  }

  /** Locks the stored quota rows of `userIds` in id order, the order every restore batch takes them. */
  async lockQuotas(userIds: readonly string[]): Promise<void> {
    await this.sql.rows(
      `SELECT user_id FROM user_quotas WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      [userIds],
    );
  }

  /**
   * Restores, in one statement, every applied record among `items` (allocation and user matching)
   * whose user has a quota row, and gives their amounts back: each restored allocation with its user
   * and that user's usage afterwards. The quota rows are locked first, in user order, and a record
   * is changed only once its user's row is locked: the order every change of usage takes (see
   * `QuotasService.reportDiagnosed`), so it needs no transaction around it and never deadlocks.
   */
  async restoreApplied(
    items: ReadonlyArray<{ allocationId: string; userId: string }>,
  ): Promise<Array<{ allocationId: string; userId: string; usage: QuotaResources }>> {
    return this.sql.rows(
      `WITH items AS (
         SELECT DISTINCT * FROM unnest($1::uuid[], $2::uuid[]) AS i (allocation_id, user_id)
       ), locked AS (
         SELECT user_id FROM user_quotas WHERE user_id IN (SELECT user_id FROM items)
         ORDER BY user_id FOR UPDATE
       ), restored AS (
         UPDATE quota_usage_records r
         SET status = 'restored', restored_at = now()
         FROM items i, locked l
         WHERE r.allocation_id = i.allocation_id AND r.user_id = i.user_id AND l.user_id = i.user_id
           AND r.status = 'applied'
         RETURNING r.allocation_id, r.user_id, r.devices, r.cpu_cores, r.memory_mb, r.storage_gb
       ), given AS (
         UPDATE user_quotas q
         SET used_devices = q.used_devices - s.devices, used_cpu_cores = q.used_cpu_cores - s.cpu_cores,
             used_memory_mb = q.used_memory_mb - s.memory_mb, used_storage_gb = q.used_storage_gb - s.storage_gb,
             updated_at = now()
         FROM (SELECT user_id, sum(devices) AS devices, sum(cpu_cores) AS cpu_cores, sum(memory_mb) AS memory_mb,
                      sum(storage_gb) AS storage_gb
               FROM restored GROUP BY user_id) s
         WHERE q.user_id = s.user_id
         RETURNING q.user_id,
           ${resources('q.used_devices', 'q.used_cpu_cores', 'q.used_memory_mb', 'q.used_storage_gb')} AS usage
       )
       SELECT r.allocation_id AS "allocationId", r.user_id AS "userId", g.usage
       FROM restored r JOIN given g ON g.user_id = r.user_id`,
      [items.map((item) => item.allocationId), items.map((item) => item.userId)],
    );
  }

  /**
   * Moves an applied record to restored and returns what it had taken; null when there is no
   * applied record for this allocation and user (never reported, or already restored).
   */
  markRestored(allocationId: string, userId: string): Promise<UsageRecord | null> {
    return this.sql.one<UsageRecord>(
      `UPDATE quota_usage_records
       SET status = 'restored', restored_at = now()
       WHERE allocation_id = $1 AND user_id = $2 AND status = 'applied'
       RETURNING ${RECORD_COLUMNS}`,
      [allocationId, userId],
    );
  }

  findRecord(allocationId: string): Promise<UsageRecord | null> {
    return this.sql.one<UsageRecord>(
      `SELECT ${RECORD_COLUMNS} FROM quota_usage_records WHERE allocation_id = $1`,
      [allocationId],
    );
  }
}
