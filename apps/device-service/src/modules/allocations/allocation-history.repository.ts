import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

/** SQL of the daily cleanup: ended allocations past the retention move to device_allocations_history. */
@Injectable()
export class AllocationHistoryRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Moves up to `limit` allocations that ended more than `retentionDays` ago to the history table. */
  async archiveEnded(retentionDays: number, limit: number): Promise<number> {
    const rows = await this.sql.rows(
      `WITH old AS (
         SELECT id FROM device_allocations
         WHERE ended_at < now() - make_interval(days => $1)
         ORDER BY ended_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), moved AS (
         DELETE FROM device_allocations a USING old WHERE a.id = old.id
         RETURNING a.*
       )
       INSERT INTO device_allocations_history (id, device_id, user_id, tenant_id, status, fencing_token,
         region, android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, claimed_at, started_at,
         expires_at, ended_at, end_reason, billed_seconds, failure_code, charged_amount_minor, charged_currency,
         created_at)
       SELECT id, device_id, user_id, tenant_id, status, fencing_token, region, android_version, cpu_cores,
         memory_mb, storage_gb, duration_minutes, claimed_at, started_at, expires_at, ended_at, end_reason,
         billed_seconds, failure_code, charged_amount_minor, charged_currency, created_at
       FROM moved
       RETURNING id`,
      [retentionDays, limit],
    );
    return rows.length;
  }
}
