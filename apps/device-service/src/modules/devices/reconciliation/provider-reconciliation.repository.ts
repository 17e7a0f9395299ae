import { Injectable } from '@nestjs/common';
import type { DevicePowerState, DeviceStatus } from '@cloudphone/contracts';
import { SqlClient } from '@cloudphone/shared';
import type { FailedDevice } from '../device-events.publisher';

/** A pool device as the reconciler compares it with its provider. */
export interface PoolDevice {
  id: string;
  providerDeviceId: string;
  status: DeviceStatus;
  powerState: DevicePowerState;
}

/** SQL of reconcile-provider-state: the pool's view of one provider, failing devices, orphans. */
@Injectable()
export class ProviderReconciliationRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Every device of `provider` that lives at one place: on these nodes, or (with `deployment`) on
   * the deployment's provider (no node, or a node without a provider of its own). Retired ones are
   * included: their leftovers at the provider are orphans.
   */
  devicesAt(provider: string, nodeIds: string[], deployment: boolean): Promise<PoolDevice[]> {
    return this.sql.rows<PoolDevice>(
      `SELECT d.id, d.provider_device_id AS "providerDeviceId", d.status, d.power_state AS "powerState"
       FROM devices d LEFT JOIN device_nodes n ON n.id = d.node_id
       WHERE d.provider = $1 AND (d.node_id = ANY($2::uuid[]) OR ($3 AND n.provider IS NULL))`,
      [provider, nodeIds, deployment],
    );
  }

  /**
   * Fails these devices with their reasons, if they are still in service (available, allocated or
   * under maintenance): one statement, so a device moved on meanwhile (wiped, retired) is left alone.
   */
  fail(failures: Array<{ id: string; reason: string }>): Promise<FailedDevice[]> {
    return this.sql.rows<FailedDevice>(
      `WITH f AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS f(id, reason))
       UPDATE devices d SET status = 'failed', health = 'unhealthy', status_reason = f.reason, updated_at = now()
       FROM f WHERE d.id = f.id AND d.status IN ('available', 'allocated', 'maintenance')
       RETURNING d.id AS "deviceId", d.held_by AS "allocationId", f.reason`,
      [failures.map((failure) => failure.id), failures.map((failure) => failure.reason)],
    );
  }

  /**
   * Notes the provider ids seen without a device at a place (`provider_orphans.provider` holds the
   * place's identity; migration 0013), keeping when each was first seen, forgets the ones no longer
   * listed there, and answers those first seen more than `graceMs` ago.
   */
  async noteOrphans(place: string, providerDeviceIds: string[], graceMs: number): Promise<string[]> {
    await this.sql.rows(
      `DELETE FROM provider_orphans WHERE provider = $1 AND NOT (provider_device_id = ANY($2::text[]))`,
      [place, providerDeviceIds],
    );
    const rows = await this.sql.rows<{ id: string }>(
      `INSERT INTO provider_orphans (provider, provider_device_id)
       SELECT $1, unnest($2::text[])
       ON CONFLICT (provider, provider_device_id) DO UPDATE SET last_seen_at = now()
       RETURNING provider_device_id AS id,
         first_seen_at < now() - make_interval(secs => $3::double precision / 1000) AS due`,
      [place, providerDeviceIds, graceMs],
    );
    return (rows as Array<{ id: string; due: boolean }>).filter((row) => row.due).map((row) => row.id);
  }

  /** Forgets an orphan once destroyed. */
  async forgetOrphan(place: string, providerDeviceId: string): Promise<void> {
    await this.sql.rows(`DELETE FROM provider_orphans WHERE provider = $1 AND provider_device_id = $2`, [
      place,
      providerDeviceId,
    ]);
  }
}
