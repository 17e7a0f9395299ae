import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { type DeviceHealth, DeviceEntity, type DeviceStatus } from './device.entity';

@Injectable()
export class DevicesRepository {
  constructor(@InjectRepository(DeviceEntity) private readonly devices: Repository<DeviceEntity>) {}

  list(query: ListQuery): Promise<Page<DeviceEntity>> {
    return findPage(this.devices.createQueryBuilder('device'), query);
  }

  /** Devices per status, health and region, for the device-metrics job. */
  countByStatusHealthAndRegion(): Promise<
    Array<{ status: DeviceStatus; health: DeviceHealth; region: string; count: number }>
  > {
    return this.devices
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
}
