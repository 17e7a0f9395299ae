import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { currentTransactionManager, findPage, type ListQuery, type Page } from '@cloudphone/shared';
import type { DeviceHealth, DeviceStatus } from '@cloudphone/contracts';
import type { Repository } from 'typeorm';
import { DeviceEntity } from './device.entity';

/** A device to add to the pool. */
export interface NewDevice {
  provider: string;
  providerDeviceId: string;
  region: string;
  androidVersion: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
}

export interface DeviceChanges {
  status?: DeviceStatus;
  health?: DeviceHealth;
}

@Injectable()
export class DevicesRepository {
  constructor(@InjectRepository(DeviceEntity) private readonly devices: Repository<DeviceEntity>) {}

  list(query: ListQuery): Promise<Page<DeviceEntity>> {
    return findPage(this.repository().createQueryBuilder('device'), query);
  }

  findById(id: string): Promise<DeviceEntity | null> {
    return this.repository().findOneBy({ id });
  }

  /**
   * Locks the device row until the surrounding transaction ends. Allocation claims lock device rows
   * with SKIP LOCKED, so while this lock is held no claim can take the device.
   */
  findByIdForUpdate(id: string): Promise<DeviceEntity | null> {
    return this.repository()
      .createQueryBuilder('device')
      .setLock('pessimistic_write')
      .where('device.id = :id', { id })
      .getOne();
  }

  /**
   * Adds an `available`, `healthy` device; returns its id, or null when the provider's device id is
   * already in the pool (the unique key decides, so nothing is overwritten).
   */
  async insert(device: NewDevice): Promise<string | null> {
    const result = await this.repository()
      .createQueryBuilder()
      .insert()
      .values({ ...device, status: 'available', health: 'healthy' })
      .orIgnore()
      .returning(['id'])
      .execute();
    const rows = result.raw as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  async update(id: string, changes: DeviceChanges): Promise<void> {
    await this.repository().update({ id }, changes);
  }

  /** The allocation holding the device (pending or active), if any. */
  async findHoldingAllocationId(deviceId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.repository().query(
      `SELECT id FROM device_allocations WHERE device_id = $1 AND status IN ('pending', 'active') LIMIT 1`,
      [deviceId],
    );
    return rows[0]?.id ?? null;
  }

  /** Devices per status, health and region, for the device-metrics job. */
  countByStatusHealthAndRegion(): Promise<
    Array<{ status: DeviceStatus; health: DeviceHealth; region: string; count: number }>
  > {
    return this.repository()
      .createQueryBuilder('device')
      .select('device.status', 'status')
      .addSelect('device.health', 'health')
      .addSelect('device.region', 'region')
      .addSelect('count(*)::int', 'count')
      .groupBy('device.status')
      .addGroupBy('device.health')
      .addGroupBy('device.region')
      .getRawMany();
  }

  // Inside runInTransaction every statement goes through that transaction.
  private repository(): Repository<DeviceEntity> {
    return currentTransactionManager()?.getRepository(DeviceEntity) ?? this.devices;
  }
}
