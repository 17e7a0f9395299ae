import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { DeviceEntity } from './device.entity';

@Injectable()
export class DevicesRepository {
  constructor(@InjectRepository(DeviceEntity) private readonly devices: Repository<DeviceEntity>) {}

  list(query: ListQuery): Promise<Page<DeviceEntity>> {
    return findPage(this.devices.createQueryBuilder('device'), query);
  }
}
