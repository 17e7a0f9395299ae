import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { FailedDevice } from '../device-events.publisher';

/** A device the health check probes. */
export interface ProbeTarget {
  id: string;
  provider: string;
  providerDeviceId: string;
  nodeId: string | null;
  powerState: 'on' | 'off';
}

/** What one probe found. */
export interface ProbeResult {
  id: string;
  healthy: boolean;
}

/**
 * SQL of the health check. Devices are walked by id in pages, so a check of a large pool holds no
 * long transaction and no page is read twice. Recording a page is one statement: it resets or counts
 * each device's consecutive failures and fails, in the same UPDATE, those reaching the threshold —
 * conditional on the device still being available or allocated, so a device wiped, retired or failed
 * meanwhile is left alone.
 */
@Injectable()
export class DeviceHealthRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Up to `limit` devices to probe after `afterId` (null: from the start), by id. */
  targets(afterId: string | null, limit: number): Promise<ProbeTarget[]> {
    return this.sql.rows<ProbeTarget>(
      `SELECT id, provider, provider_device_id AS "providerDeviceId", node_id AS "nodeId", power_state AS "powerState"
       FROM devices
       WHERE status IN ('available', 'allocated') AND ($1::uuid IS NULL OR id > $1)
       ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Records a page of probes; answers the devices this failed (after `threshold` failures in a row). */
  record(results: ProbeResult[], threshold: number): Promise<FailedDevice[]> {
    return this.sql.rows<FailedDevice>(
      `WITH results AS (
         SELECT * FROM unnest($1::uuid[], $2::boolean[]) AS r(id, healthy)
       ), probed AS (
         UPDATE devices d SET
           health_failures = CASE WHEN r.healthy THEN 0 ELSE d.health_failures + 1 END,
           health = CASE WHEN r.healthy THEN 'healthy'
                         WHEN d.health_failures + 1 >= $3 THEN 'unhealthy' ELSE 'degraded' END,
           status = CASE WHEN NOT r.healthy AND d.health_failures + 1 >= $3 THEN 'failed' ELSE d.status END,
           status_reason = CASE WHEN NOT r.healthy AND d.health_failures + 1 >= $3
                                THEN 'health check: ' || (d.health_failures + 1) || ' failed probes in a row'
                                ELSE d.status_reason END,
           updated_at = now()
         FROM results r
         -- A healthy device that stays healthy is not written: claims take free devices with SKIP
         -- LOCKED, and a row this statement locked would be skipped by them for its duration.
         WHERE d.id = r.id AND d.status IN ('available', 'allocated')
           AND (NOT r.healthy OR d.health_failures > 0 OR d.health <> 'healthy')
         RETURNING d.id, d.held_by, d.status, d.status_reason
       )
       SELECT id AS "deviceId", held_by AS "allocationId", status_reason AS reason
       FROM probed WHERE status = 'failed'`,
      [results.map((result) => result.id), results.map((result) => result.healthy), threshold],
    );
  }
}
