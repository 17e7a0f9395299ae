import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateDeviceRequest,
  DEVICE_ROUTES,
  DevicePowerBatchRequest,
  DevicePowerBatchResponse,
  DeviceResponse,
  UpdateDeviceRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { DevicePowerUseCase } from './device-power.use-case';
import { DeviceIdParams } from './dto/device-id.params';
import { DEVICES_LIST_QUERY } from './devices.list-query';
import { DevicesService } from './devices.service';

@ApiCommonErrors()
@ApiTags('devices')
@ApiBearerAuth()
@ApiKeyScope('devices')
@Controller()
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly powerControl: DevicePowerUseCase,
  ) {}

  // The batch routes come before `devices/:id/…`, so `batch` is never read as a device id.
  @Post(DEVICE_ROUTES.devicesBatchStart)
  @HttpCode(200)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Start 1–100 devices (admin); one result per device' })
  @ApiOkResponse({ type: DevicePowerBatchResponse })
  startMany(@CurrentPrincipal() principal: Principal, @Body() request: DevicePowerBatchRequest) {
    return this.powerControl.powerMany(principal, request.deviceIds, 'start');
  }

  @Post(DEVICE_ROUTES.devicesBatchStop)
  @HttpCode(200)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Stop 1–100 devices (admin); an available device stopped leaves the pool' })
  @ApiOkResponse({ type: DevicePowerBatchResponse })
  stopMany(@CurrentPrincipal() principal: Principal, @Body() request: DevicePowerBatchRequest) {
    return this.powerControl.powerMany(principal, request.deviceIds, 'stop');
  }

  @Post(DEVICE_ROUTES.devicesBatchReboot)
  @HttpCode(200)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Reboot 1–100 devices (admin); one result per device' })
  @ApiOkResponse({ type: DevicePowerBatchResponse })
  rebootMany(@CurrentPrincipal() principal: Principal, @Body() request: DevicePowerBatchRequest) {
    return this.powerControl.powerMany(principal, request.deviceIds, 'reboot');
  }

  @Post(DEVICE_ROUTES.deviceStart)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Power on (the renter holding it, admin)',
    description:
      '404 DEVICE_NOT_FOUND for anyone else; 409 DEVICE_NOT_OPERABLE while provisioning, resetting or retired',
  })
  @ApiOkResponse({ type: DeviceResponse })
  @ApiErrorResponses({
    404: ['DEVICE_NOT_FOUND'],
    409: ['DEVICE_NOT_OPERABLE', 'DEVICE_PROVIDER_NOT_CONFIGURED'],
    502: ['DEVICE_PROVIDER_FAILED'],
    504: ['DEVICE_PROVIDER_TIMEOUT'],
  })
  start(@CurrentPrincipal() principal: Principal, @Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.powerControl.power(principal, params.id, 'start');
  }

  @Post(DEVICE_ROUTES.deviceStop)
  @HttpCode(200)
  @ApiOperation({ summary: 'Power off (the renter holding it, admin); the allocation keeps running' })
  @ApiOkResponse({ type: DeviceResponse })
  @ApiErrorResponses({
    404: ['DEVICE_NOT_FOUND'],
    409: ['DEVICE_NOT_OPERABLE', 'DEVICE_PROVIDER_NOT_CONFIGURED'],
    502: ['DEVICE_PROVIDER_FAILED'],
    504: ['DEVICE_PROVIDER_TIMEOUT'],
  })
  stop(@CurrentPrincipal() principal: Principal, @Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.powerControl.power(principal, params.id, 'stop');
  }

  @Post(DEVICE_ROUTES.deviceReboot)
  @HttpCode(200)
  @ApiOperation({ summary: 'Restart (the renter holding it, admin)' })
  @ApiOkResponse({ type: DeviceResponse })
  @ApiErrorResponses({
    404: ['DEVICE_NOT_FOUND'],
    409: ['DEVICE_NOT_OPERABLE', 'DEVICE_PROVIDER_NOT_CONFIGURED'],
    502: ['DEVICE_PROVIDER_FAILED'],
    504: ['DEVICE_PROVIDER_TIMEOUT'],
  })
  reboot(@CurrentPrincipal() principal: Principal, @Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.powerControl.power(principal, params.id, 'reboot');
  }

  @Get(DEVICE_ROUTES.devices)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List devices (admin or service)' })
  @ApiListQuery(DEVICES_LIST_QUERY)
  @ApiPaginatedResponse(DeviceResponse)
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
  @ApiErrorResponses({
    409: ['DEVICE_PROVIDER_NOT_CONFIGURED', 'NODE_NOT_USABLE'],
    502: ['DEVICE_PROVIDER_FAILED'],
    504: ['DEVICE_PROVIDER_TIMEOUT'],
  })
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
  @ApiErrorResponses({ 404: ['DEVICE_NOT_FOUND'] })
  get(@Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.devices.get(params.id);
  }

  @Patch(DEVICE_ROUTES.device)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({
    summary: 'Set status and/or health (admin)',
    description:
      '409 DEVICE_ILLEGAL_TRANSITION names both states; `available` from maintenance or failed goes through a wipe (`resetting`); 409 DEVICE_RETIRED',
  })
  @ApiOkResponse({ type: DeviceResponse })
  @ApiErrorResponses({ 404: ['DEVICE_NOT_FOUND'], 409: ['DEVICE_ILLEGAL_TRANSITION', 'DEVICE_RETIRED'] })
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
  @ApiErrorResponses({
    404: ['DEVICE_NOT_FOUND'],
    409: ['DEVICE_IN_USE'],
    502: ['DEVICE_PROVIDER_FAILED'],
    504: ['DEVICE_PROVIDER_TIMEOUT'],
  })
  retire(@CurrentPrincipal() principal: Principal, @Param() params: DeviceIdParams): Promise<DeviceResponse> {
    return this.devices.retire(params.id, principal);
  }
}
