import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import { IN_SERVICE_SQL } from '../devices';

export interface RegionLoad {
  region: string;
  rentableDevices: number;
  activeAllocations: number;
}

/** The pool's load now: allocations per status and, per region, rentable devices and holders. */
export interface PoolLoad {
  at: Date;
  byStatus: Record<string, number>;
  byRegion: RegionLoad[];
}

/** What happened in one hour, for the hourly snapshot. */
export interface HourActivity {
  started: number;
  ended: number;
  billedSeconds: number;
}

/** Read-only aggregates over devices and allocations, for the stats endpoint, gauges and snapshots. */
@Injectable()
export class AllocationStatsRepository {
  constructor(private readonly sql: SqlClient) {}

  async poolLoad(): Promise<PoolLoad> {
    const statusRows = await this.sql.rows<{ status: string; count: string }>(
      `SELECT status, count(*) AS count FROM device_allocations
       WHERE status NOT IN ('reserved', 'cancelled') GROUP BY status`,
    );
    const regionRows = await this.sql.rows<{ region: string; rentable: string; active: string }>(
      `SELECT d.region,
              count(*) FILTER (WHERE ${IN_SERVICE_SQL}) AS rentable,
              count(a.id) AS active
       FROM devices d
       LEFT JOIN device_allocations a ON a.device_id = d.id AND a.status IN ('pending', 'active')
       WHERE d.status <> 'retired' OR a.id IS NOT NULL
       GROUP BY d.region ORDER BY d.region`,
    );
    const [{ now }] = await this.sql.rows<{ now: Date }>('SELECT now() AS now');
    const byStatus: Record<string, number> = { pending: 0, active: 0, released: 0, expired: 0, failed: 0 };
    for (const row of statusRows) byStatus[row.status] = Number(row.count);
    return {
      at: now,
      byStatus,
      byRegion: regionRows.map((row) => ({
        region: row.region,
        rentableDevices: Number(row.rentable),
        activeAllocations: Number(row.active),
      })),
    };
  }

  /** Allocations started and ended in [from, to), and the seconds billed for those that ended. */
  async activity(from: Date, to: Date): Promise<HourActivity> {
    const [row] = await this.sql.rows<{ started: string; ended: string; billed: string | null }>(
      `SELECT
         (SELECT count(*) FROM device_allocations
          WHERE status NOT IN ('failed', 'reserved', 'cancelled') AND started_at >= $1 AND started_at < $2) AS started,
         (SELECT count(*) FROM device_allocations WHERE ended_at >= $1 AND ended_at < $2
            AND status IN ('released', 'expired')) AS ended,
         (SELECT sum(billed_seconds) FROM device_allocations WHERE ended_at >= $1 AND ended_at < $2
            AND status IN ('released', 'expired')) AS billed`,
      [from.toISOString(), to.toISOString()],
    );
    return { started: Number(row.started), ended: Number(row.ended), billedSeconds: Number(row.billed ?? 0) };
  }

  /** Records the snapshot of `hour` unless one exists (two runners of one tick store it once). */
  async insertSnapshot(hour: Date, load: PoolLoad, activity: HourActivity): Promise<boolean> {
    const { active, rentable } = poolTotals(load);
    const rows = await this.sql.rows(
      `INSERT INTO allocation_stats_snapshots (hour, active, rentable_devices, utilisation, by_status, by_region,
         started_in_hour, ended_in_hour, billed_seconds_in_hour)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (hour) DO NOTHING
       RETURNING hour`,
      [
        hour.toISOString(),
        active,
        rentable,
        utilisation(active, rentable),
        JSON.stringify(load.byStatus),
        JSON.stringify(load.byRegion),
        activity.started,
        activity.ended,
        activity.billedSeconds,
      ],
    );
    return rows.length > 0;
  }
}

/** Holders (pending or active allocations) and rentable devices over the whole pool. */
export function poolTotals(load: PoolLoad): { active: number; rentable: number } {
  return {
    active: load.byStatus.pending + load.byStatus.active,
    rentable: load.byRegion.reduce((sum, region) => sum + region.rentableDevices, 0),
  };
}

/** Holders per rentable device, 0 for an empty pool, rounded to 4 decimals. */
export function utilisation(active: number, rentable: number): number {
  return rentable === 0 ? 0 : Math.round((active / rentable) * 10_000) / 10_000;
}
