import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { DeviceHealth, DevicePowerState, DeviceSpec, DeviceStatus } from '@cloudphone/contracts';
import type { DeviceRecord } from './device-record';

/** devices as the pool's records; the scheduler's and hand-over's bookkeeping columns stay unmapped. */
const DEVICES = new TableMap<DeviceRecord>('devices', {
  id: 'id',
  provider: 'provider',
  providerDeviceId: 'provider_device_id',
  nodeId: 'node_id',
  region: 'region',
  androidVersion: 'android_version',
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  status: 'status',
  health: 'health',
  powerState: 'power_state',
  statusReason: 'status_reason',
  accessSlot: 'access_slot',
  heldBy: 'held_by',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** A device to add to the pool. */
export interface NewDevice extends DeviceSpec {
  nodeId: string | null;
  provider: string;
  providerDeviceId: string;
  region: string;
  androidVersion: string;
}

export interface DeviceChanges {
  status?: DeviceStatus;
  health?: DeviceHealth;
  /** With a status: why (null clears it). */
  statusReason?: string | null;
}

@Injectable()
export class DevicesRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<DeviceRecord>> {
    return findPage(this.sql, DEVICES, query);
  }

  /** Devices that an allocation could claim right now, by the same rule as the claim itself. */
  listAvailable(query: ListQuery): Promise<Page<DeviceRecord>> {
    return findPage(this.sql, DEVICES, query, {
      where: `status = 'available' AND health = 'healthy' AND held_by IS NULL`,
      parameters: [],
    });
  }

  findById(id: string): Promise<DeviceRecord | null> {
    return this.sql.one<DeviceRecord>(`SELECT ${DEVICES.select()} FROM devices WHERE id = $1`, [id]);
  }

  /**
   * Locks the device row until the surrounding transaction ends. Allocation claims lock device rows
   * with SKIP LOCKED, so while this lock is held no claim can take the device.
   */
  findByIdForUpdate(id: string): Promise<DeviceRecord | null> {
    return this.sql.one<DeviceRecord>(`SELECT ${DEVICES.select()} FROM devices WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
  }

  /**
   * Adds an `available`, `healthy` device; returns its id, or null when the provider's device id is
   * already in the pool (the unique key decides, so nothing is overwritten).
   */
  async insert(device: NewDevice): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb,
         storage_gb, status, health, node_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'available', 'healthy', $8)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        device.provider,
        device.providerDeviceId,
        device.region,
        device.androidVersion,
        device.cpuCores,
        device.memoryMb,
        device.storageGb,
        device.nodeId,
      ],
    );
    return row?.id ?? null;
  }

  /**
   * Locks node `nodeId` until the transaction ends (devices join it one at a time, so its capacity
   * holds) and answers its region, state, room and own provider; null when there is no such node.
   */
  lockNode(
    nodeId: string,
  ): Promise<{ region: string; state: string; room: number; provider: string | null } | null> {
    return this.sql.one(
      `SELECT n.region, n.state, n.provider,
         n.max_devices - (SELECT count(*) FROM devices d WHERE d.node_id = n.id AND d.status <> 'retired')::int AS room
       FROM device_nodes n WHERE n.id = $1 FOR UPDATE`,
      [nodeId],
    );
  }

  /**
   * Sets the given status and/or health (only those columns) and stamps updated_at; a new status
   * also sets its reason and restarts the reset bookkeeping. Callers hold the row lock.
   */
  async update(id: string, changes: DeviceChanges): Promise<void> {
    await this.sql.rows(
      `UPDATE devices SET status = COALESCE($2, status), health = COALESCE($3, health),
         status_reason = CASE WHEN $2::text IS NULL THEN status_reason ELSE $4 END,
         reset_started_at = CASE WHEN $2::text IS NULL THEN reset_started_at ELSE NULL END,
         reset_attempts = CASE WHEN $2::text IS NULL THEN reset_attempts ELSE 0 END,
         updated_at = now()
       WHERE id = $1`,
      [id, changes.status ?? null, changes.health ?? null, changes.statusReason ?? null],
    );
  }

  /**
   * Records a power order the provider took, unless the device moved meanwhile to a state where
   * power is not its renter's or admin's to set (being wiped, retired). A stop takes an available
   * device out of the pool (maintenance): nobody is handed a device that is off.
   */
  async recordPower(id: string, powerState: DevicePowerState): Promise<DeviceRecord | null> {
    return this.sql.one<DeviceRecord>(
      `UPDATE devices SET power_state = $2, updated_at = now(),
         status = CASE WHEN $2 = 'off' AND status = 'available' THEN 'maintenance' ELSE status END,
         status_reason = CASE WHEN $2 = 'off' AND status = 'available' THEN 'stopped by an admin' ELSE status_reason END
       WHERE id = $1 AND status IN ('available', 'allocated', 'maintenance', 'failed')
       RETURNING ${DEVICES.select()}`,
      [id, powerState],
    );
  }

  /** A live claim of the device (an allocation holding it, or a booked slot), if any. */
  async findHoldingAllocationId(deviceId: string): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `SELECT id FROM device_allocations WHERE device_id = $1 AND ended_at IS NULL
       ORDER BY (status IN ('pending', 'active')) DESC LIMIT 1`,
      [deviceId],
    );
    return row?.id ?? null;
  }

  /** The active allocation holding the device (its renter), if any. */
  findRenter(deviceId: string): Promise<{ allocationId: string; userId: string } | null> {
    return this.sql.one(
      `SELECT a.id AS "allocationId", a.user_id AS "userId"
       FROM devices d JOIN device_allocations a ON a.id = d.held_by AND a.status = 'active'
       WHERE d.id = $1`,
      [deviceId],
    );
  }

  /** Devices per status, health and region, for the device-metrics job. */
  countByStatusHealthAndRegion(): Promise<
    Array<{ status: DeviceStatus; health: DeviceHealth; region: string; count: number }>
  > {
    return this.sql.rows(
      `SELECT status, health, region, count(*)::int AS count FROM devices GROUP BY status, health, region`,
    );
  }
}
