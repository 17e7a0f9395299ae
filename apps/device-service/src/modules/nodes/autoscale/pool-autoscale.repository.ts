import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { PoolTarget } from '../../../config/pool-autoscale.setting';

// Devices of exactly the pool's spec and region, as `d`.
const OF_POOL = `d.region = $1 AND d.android_version = $2 AND d.cpu_cores = $3 AND d.memory_mb = $4
  AND d.storage_gb = $5`;
const poolParameters = (pool: PoolTarget) => [
  pool.region,
  pool.androidVersion,
  pool.cpuCores,
  pool.memoryMb,
  pool.storageGb,
];

/** SQL of autoscale-pool: free devices per pool, room on nodes, idle devices to retire. */
@Injectable()
export class PoolAutoscaleRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Devices of the pool free to rent now, and those provisioning (counted as coming). */
  async freeDevices(pool: PoolTarget): Promise<number> {
    const [row] = await this.sql.rows<{ free: number }>(
      `SELECT count(*)::int AS free FROM devices d
       WHERE ${OF_POOL} AND ((d.status = 'available' AND d.health = 'healthy' AND d.held_by IS NULL)
         OR d.status IN ('provisioning', 'resetting'))`,
      poolParameters(pool),
    );
    return row.free;
  }

  /**
   * Where a new device of the region goes: the schedulable node with the most room; `none` when the
   * region has nodes but none has room (the pool stays short: capacity is the operator's to add);
   * `no-node` when the region has no nodes (a cloud provider's region).
   */
  async placeFor(region: string): Promise<{ nodeId: string } | 'none' | 'no-node'> {
    const rows = await this.sql.rows<{ id: string; room: number }>(
      `SELECT n.id, n.max_devices - (SELECT count(*) FROM devices d WHERE d.node_id = n.id AND d.status <> 'retired')::int
         AS room
       FROM device_nodes n WHERE n.region = $1 AND n.state = 'schedulable'
       ORDER BY room DESC, n.id`,
      [region],
    );
    if (rows.length === 0) {
      const [any] = await this.sql.rows<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM device_nodes WHERE region = $1) AS exists`,
        [region],
      );
      return any.exists ? 'none' : 'no-node';
    }
    return rows[0].room > 0 ? { nodeId: rows[0].id } : 'none';
  }

  /** Up to `limit` free devices of the pool with no live claim (no booking either), newest first. */
  idleDevices(pool: PoolTarget, limit: number): Promise<Array<{ id: string }>> {
    return this.sql.rows(
      `SELECT d.id FROM devices d
       WHERE ${OF_POOL} AND d.status = 'available' AND d.held_by IS NULL
         AND NOT EXISTS (SELECT 1 FROM device_allocations a WHERE a.device_id = d.id AND a.ended_at IS NULL)
       ORDER BY d.created_at DESC, d.id LIMIT $6`,
      [...poolParameters(pool), limit],
    );
  }
}
