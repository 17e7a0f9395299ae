import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

/** A `resetting` device one runner took: the wipe count and attempt fence its outcome. */
export interface ResetTask {
  id: string;
  provider: string;
  providerDeviceId: string;
  nodeId: string | null;
  wipeCount: string;
  attempt: number;
  /** Its node is draining: the device leaves (destroyed, retired) instead of being wiped. */
  leaving: boolean;
}

const TASK_COLUMNS = `d.id, d.provider, d.provider_device_id AS "providerDeviceId", d.node_id AS "nodeId",
  d.wipe_count AS "wipeCount",
  d.reset_attempts AS attempt,
  EXISTS (SELECT 1 FROM device_nodes n WHERE n.id = d.node_id AND n.state = 'draining') AS leaving`;

// Both outcomes apply only to the reset this runner took: same wipe count (no reset completed since)
// and same attempt (no other runner took it over after this one's lease ran out).
const FENCE = `id = $1 AND status = 'resetting' AND wipe_count = $2 AND reset_attempts = $3`;

/**
 * SQL of the hand-over: devices whose allocation ended wait in `resetting` until a runner wipes them.
 * A runner leases a batch (SKIP LOCKED, so replicas share the work), and only a lease older than
 * the reset timeout is taken again (its runner died); each outcome is one fenced statement.
 */
@Injectable()
export class DeviceResetsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Leases up to `limit` devices waiting for a wipe, or whose last runner's lease ran out. */
  takeDue(limit: number, leaseMs: number): Promise<ResetTask[]> {
    return this.sql.rows<ResetTask>(
      `WITH due AS (
         SELECT id FROM devices
         WHERE status = 'resetting'
           AND (reset_started_at IS NULL
             OR reset_started_at < now() - make_interval(secs => $2::double precision / 1000))
         ORDER BY updated_at, id LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE devices d SET reset_started_at = now(), reset_attempts = d.reset_attempts + 1
       FROM due WHERE d.id = due.id
       RETURNING ${TASK_COLUMNS}`,
      [limit, leaseMs],
    );
  }

  /**
   * The wipes are confirmed: each device is `available`, one wipe further, unless fenced off (the
   * same fence, per device). Rows are locked in id order, so two runners never deadlock. Returns the
   * ids completed.
   */
  async completeAll(tasks: readonly ResetTask[]): Promise<Set<string>> {
    if (tasks.length === 0) return new Set();
    const rows = await this.sql.rows<{ id: string }>(
      `WITH fenced AS (
         SELECT d.id FROM devices d
         JOIN unnest($1::uuid[], $2::bigint[], $3::int[]) AS t (id, wipe_count, attempt) ON t.id = d.id
         WHERE d.status = 'resetting' AND d.wipe_count = t.wipe_count AND d.reset_attempts = t.attempt
         ORDER BY d.id
         FOR UPDATE OF d
       )
       UPDATE devices d SET status = 'available', wipe_count = d.wipe_count + 1, reset_started_at = NULL,
         reset_attempts = 0, power_state = 'on', status_reason = NULL, updated_at = now()
       FROM fenced WHERE d.id = fenced.id
       RETURNING d.id`,
      [tasks.map((task) => task.id), tasks.map((task) => task.wipeCount), tasks.map((task) => task.attempt)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The device was destroyed at its provider (its node drains): `retired`. False when fenced off. */
  async retire(task: ResetTask): Promise<boolean> {
    const rows = await this.sql.rows(
      `UPDATE devices SET status = 'retired', reset_started_at = NULL, status_reason = 'its node was drained',
         updated_at = now()
       WHERE ${FENCE}
       RETURNING id`,
      [task.id, task.wipeCount, task.attempt],
    );
    return rows.length > 0;
  }

  /** The wipe failed: the device is `failed`, out of the pool until an operator acts. */
  async fail(task: ResetTask, reason: string): Promise<boolean> {
    const rows = await this.sql.rows(
      `UPDATE devices SET status = 'failed', reset_started_at = NULL, status_reason = $4, updated_at = now()
       WHERE ${FENCE}
       RETURNING id`,
      [task.id, task.wipeCount, task.attempt, reason],
    );
    return rows.length > 0;
  }
}
