import { Injectable } from '@nestjs/common';
import type { ListQuery, Page } from '@cloudphone/shared';
import type { DeviceEntity } from './device.entity';
import { DevicesRepository } from './devices.repository';

@Injectable()
export class DevicesService {
  constructor(private readonly devices: DevicesRepository) {}

  list(query: ListQuery): Promise<Page<DeviceEntity>> {
    return this.devices.list(query);
  }
}
