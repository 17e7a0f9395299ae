import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  AllocateDeviceRequest,
  AllocationResponse,
  AllocationStatsResponse,
  DEVICE_ROUTES,
  DeviceAccessResponse,
  DeviceResponse,
  HTTP_HEADERS,
  type PlacementExplanation,
  ReleaseDeviceRequest,
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
  type ListQuery,
  type Page,
  type Principal,
  RequireRoles,
} from '@cloudphone/shared';
import type { Response } from 'express';
import { DeviceAccess } from '../access';
import { AllocateDeviceUseCase } from './allocate-device.use-case';
import { AllocationQueryService } from './allocation-query.service';
import { AllocationStatistics } from './allocation-statistics.service';
import { ExplainPlacementUseCase } from './explain-placement.use-case';
import { ALLOCATIONS_LIST_QUERY } from './allocations.list-query';
import { AVAILABLE_DEVICES_QUERY } from './available-devices.list-query';
import { AllocationIdParams } from './dto/allocation-id.params';
import { ReleaseAllocationUseCase } from './release-allocation.use-case';

/** Tells a client that the answer repeats the one given for the same Idempotency-Key (as Stripe does). */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

@ApiCommonErrors()
@ApiTags('scheduler')
@ApiBearerAuth()
@ApiKeyScope('scheduler')
@Controller()
export class AllocationsController {
  constructor(
    private readonly allocateDevice: AllocateDeviceUseCase,
    private readonly releaseAllocation: ReleaseAllocationUseCase,
    private readonly queries: AllocationQueryService,
    private readonly stats: AllocationStatistics,
    private readonly access: DeviceAccess,
    private readonly explainPlacement: ExplainPlacementUseCase,
  ) {}

  @Post(DEVICE_ROUTES.allocate)
  @ApiOperation({ summary: 'Rent a free device for durationMinutes (user; admin or service for a userId)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body → same allocation',
  })
  @ApiCreatedResponse({ type: AllocationResponse })
  @ApiErrorResponses({
    400: ['IDEMPOTENCY_KEY_REQUIRED'],
    402: ['INSUFFICIENT_BALANCE'],
    403: ['USER_NOT_ACTIVE'],
    409: ['NO_DEVICE_AVAILABLE', 'REQUEST_IN_PROGRESS'],
    422: ['IDEMPOTENCY_KEY_REUSED'],
    503: ['ALLOCATION_ABANDONED', 'ALLOCATION_BUSY'],
  })
  async allocate(
    @CurrentPrincipal() principal: Principal,
    @Body() request: AllocateDeviceRequest,
    @Headers(HTTP_HEADERS.idempotencyKey) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
    @Query('explain') explain: unknown,
  ): Promise<AllocationResponse | PlacementExplanation> {
    if (explain === 'true') {
      response.status(200);
      return this.explainPlacement.explain(principal, request);
    }
    const outcome = await this.allocateDevice.allocate(principal, request, idempotencyKey);
    if (outcome.replayed) response.setHeader(REPLAYED_HEADER, 'true');
    return this.withAccess(outcome.allocation);
  }

  @Post(DEVICE_ROUTES.release)
  @HttpCode(200)
  @ApiOperation({
    summary: 'End an allocation by allocationId or deviceId (owner, admin, service); repeatable',
  })
  @ApiOkResponse({ type: AllocationResponse })
  @ApiErrorResponses({ 404: ['ALLOCATION_NOT_FOUND'], 409: ['STALE_FENCING_TOKEN'] })
  release(
    @CurrentPrincipal() principal: Principal,
    @Body() request: ReleaseDeviceRequest,
  ): Promise<AllocationResponse> {
    return this.releaseAllocation.release(principal, request);
  }

  @Get(DEVICE_ROUTES.available)
  @ApiOperation({ summary: 'Devices free to rent now (cached briefly, evicted on every change)' })
  @ApiListQuery(AVAILABLE_DEVICES_QUERY)
  @ApiPaginatedResponse(DeviceResponse)
  available(@ListQueryParam(AVAILABLE_DEVICES_QUERY) query: ListQuery): Promise<Page<DeviceResponse>> {
    return this.queries.available(query);
  }

  @Get(DEVICE_ROUTES.allocations)
  @ApiOperation({ summary: "List allocations (a user's own; admins and services anyone's)" })
  @ApiListQuery(ALLOCATIONS_LIST_QUERY)
  @ApiPaginatedResponse(AllocationResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(ALLOCATIONS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<AllocationResponse>> {
    return this.queries.list(principal, query);
  }

  @Get(DEVICE_ROUTES.allocationStats)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'Allocations by status and region, and utilisation of the pool (admin, service)' })
  @ApiOkResponse({ type: AllocationStatsResponse })
  statistics(): Promise<AllocationStatsResponse> {
    return this.stats.current();
  }

  @Get(DEVICE_ROUTES.allocation)
  @ApiOperation({ summary: 'One allocation (its owner, an admin or a service)' })
  @ApiOkResponse({ type: AllocationResponse })
  @ApiErrorResponses({ 404: ['ALLOCATION_NOT_FOUND'] })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<AllocationResponse> {
    return this.withAccess(await this.queries.get(principal, params.id));
  }

  @Get(DEVICE_ROUTES.allocationAccess)
  @ApiOperation({
    summary: "How to reach an allocated device: ADB endpoint, stream URL, token (the renter's own)",
    description: '404 ACCESS_NOT_AVAILABLE when the allocation is not active or not yours',
  })
  @ApiOkResponse({ type: DeviceAccessResponse })
  @ApiErrorResponses({
    404: ['ALLOCATION_NOT_FOUND', 'ACCESS_NOT_AVAILABLE'],
    502: ['DEVICE_PROVIDER_FAILED'],
  })
  accessOf(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<DeviceAccessResponse> {
    return this.access.forAllocation(principal, params.id);
  }

  // Access is built per answer, not stored with the idempotent replay: it follows the claim's
  // current state (an ended allocation answers without it).
  private async withAccess(allocation: AllocationResponse): Promise<AllocationResponse> {
    const access = await this.access.describe(allocation);
    return access ? { ...allocation, access } : allocation;
  }
}
