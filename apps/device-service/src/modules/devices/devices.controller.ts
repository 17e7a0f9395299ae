import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEVICE_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiListQuery,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
} from '@cloudphone/shared';
import type { DeviceEntity } from './device.entity';
import { DEVICES_LIST_QUERY } from './devices.list-query';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@ApiBearerAuth()
@Controller(DEVICE_ROUTES.devices)
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List devices (admin or service)' })
  @ApiListQuery(DEVICES_LIST_QUERY)
  list(@ListQueryParam(DEVICES_LIST_QUERY) query: ListQuery): Promise<Page<DeviceEntity>> {
    return this.devices.list(query);
  }
}
