import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DeviceResponse } from '@cloudphone/contracts';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import type { Repository } from 'typeorm';
import { DeviceEntity } from '../devices/device.entity';
import { toDeviceResponse } from '../devices/device-response.mapper';

/** Devices that an allocation could claim right now, by the same rule as the claim itself. */
@Injectable()
export class AvailableDevicesRepository {
  constructor(@InjectRepository(DeviceEntity) private readonly devices: Repository<DeviceEntity>) {}

  async list(query: ListQuery): Promise<Page<DeviceResponse>> {
    // held_by is not mapped on the entity (only the scheduler's SQL writes it): a raw condition.
    const builder = this.devices
      .createQueryBuilder('device')
      .where(`device.status = 'available'`)
      .andWhere(`device.health = 'healthy'`)
      .andWhere('device.held_by IS NULL');
    const page = await findPage(builder, query);
    return { ...page, items: page.items.map(toDeviceResponse) };
  }
}
