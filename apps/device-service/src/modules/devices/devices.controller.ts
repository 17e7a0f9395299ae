import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateDeviceRequest,
  DEVICE_ROUTES,
  DeviceResponse,
  UpdateDeviceRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiListQuery,
  CurrentPrincipal,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { DeviceIdParams } from './dto/device-id.params';
import { DEVICES_LIST_QUERY } from './devices.list-query';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get(DEVICE_ROUTES.devices)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List devices (admin or service)' })
  @ApiListQuery(DEVICES_LIST_QUERY)
  list(@ListQueryParam(DEVICES_LIST_QUERY) query: ListQuery): Promise<Page<DeviceResponse>> {
    return this.devices.list(query);
  }

  @Post(DEVICE_ROUTES.devices)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({
    summary: 'Create a device through the provider and add it to the pool (admin)',
    description: '502 DEVICE_PROVIDER_FAILED / 504 DEVICE_PROVIDER_TIMEOUT write nothing',
  })
  @ApiCreatedResponse({ type: DeviceResponse })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateDeviceRequest,
  ): Promise<DeviceResponse> {
    return this.devices.create(request, principal);
  }

  @Get(DEVICE_ROUTES.device)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'One device (admin or service); 404 DEVICE_NOT_FOUND' })
  @ApiOkResponse({ type: DeviceResponse })
  get(@Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.devices.get(params.id);
  }

  @Patch(DEVICE_ROUTES.device)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Set status and/or health (admin); 409 DEVICE_RETIRED' })
  @ApiOkResponse({ type: DeviceResponse })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: DeviceIdParams,
    @Body() request: UpdateDeviceRequest,
  ): Promise<DeviceResponse> {
    return this.devices.update(params.id, request, principal);
  }

  @Delete(DEVICE_ROUTES.device)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({
    summary: 'Retire a device: the provider destroys it, the row stays as retired (admin)',
    description: '409 DEVICE_IN_USE while an allocation holds it; repeating it answers the same',
  })
  @ApiOkResponse({ type: DeviceResponse })
  retire(@CurrentPrincipal() principal: Principal, @Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.devices.retire(params.id, principal);
  }
}
