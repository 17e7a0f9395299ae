import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { DeviceHealth, DeviceSpec, DeviceStatus } from '@cloudphone/contracts';
import type { DeviceRecord } from './device-record';

/** devices as the pool's records; the scheduler's claim columns (claim_sequence, held_by) stay unmapped. */
const DEVICES = new TableMap<DeviceRecord>('devices', {
  id: 'id',
  provider: 'provider',
  providerDeviceId: 'provider_device_id',
  region: 'region',
  androidVersion: 'android_version',
  cpuCores: 'cpu_cores',
  memoryMb: 'memory_mb',
  storageGb: 'storage_gb',
  status: 'status',
  health: 'health',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** A device to add to the pool. */
export interface NewDevice extends DeviceSpec {
  provider: string;
  providerDeviceId: string;
  region: string;
  androidVersion: string;
}

export interface DeviceChanges {
  status?: DeviceStatus;
  health?: DeviceHealth;
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
         storage_gb, status, health)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'available', 'healthy')
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
      ],
    );
    return row?.id ?? null;
  }

  /** Sets the given status and/or health (only those columns) and stamps updated_at. */
  async update(id: string, changes: DeviceChanges): Promise<void> {
    await this.sql.rows(
      `UPDATE devices SET status = COALESCE($2, status), health = COALESCE($3, health), updated_at = now()
       WHERE id = $1`,
      [id, changes.status ?? null, changes.health ?? null],
    );
  }

  /** The allocation holding the device (pending or active), if any. */
  async findHoldingAllocationId(deviceId: string): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `SELECT id FROM device_allocations WHERE device_id = $1 AND status IN ('pending', 'active') LIMIT 1`,
      [deviceId],
    );
    return row?.id ?? null;
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
