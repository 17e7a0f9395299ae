import { Body, Controller, Get, Headers, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AllocationExtensionResponse,
  DEVICE_ROUTES,
  ExtendAllocationRequest,
  ExtendInfoResponse,
  HTTP_HEADERS,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  CurrentPrincipal,
  type Principal,
} from '@cloudphone/shared';
import type { Response } from 'express';
import { REPLAYED_HEADER } from './allocations.controller';
import { AllocationIdParams } from './dto/allocation-id.params';
import { ExtendAllocationUseCase } from './extend-allocation.use-case';

@ApiCommonErrors()
@ApiTags('scheduler')
@ApiBearerAuth()
@ApiKeyScope('scheduler')
@Controller()
export class AllocationExtensionsController {
  constructor(private readonly extendAllocation: ExtendAllocationUseCase) {}

  @Put(DEVICE_ROUTES.extend)
  @ApiOperation({
    summary:
      "Move an active allocation's end later, within the tier policy and balance (owner, admin, service)",
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'Same key + same body → same extension',
  })
  @ApiOkResponse({ type: AllocationExtensionResponse })
  @ApiErrorResponses({ 403: ['USER_NOT_ACTIVE'], 404: ['ALLOCATION_NOT_FOUND'], 409: ['EXTENSION_CONFLICT'] })
  async extend(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
    @Body() request: ExtendAllocationRequest,
    @Headers(HTTP_HEADERS.idempotencyKey) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AllocationExtensionResponse> {
    const outcome = await this.extendAllocation.extend(principal, params.id, request, idempotencyKey);
    if (outcome.replayed) response.setHeader(REPLAYED_HEADER, 'true');
    return outcome.answer;
  }

  @Get(DEVICE_ROUTES.extendInfo)
  @ApiOperation({ summary: 'Whether, how far and why not an allocation can be extended now' })
  @ApiOkResponse({ type: ExtendInfoResponse })
  @ApiErrorResponses({ 404: ['ALLOCATION_NOT_FOUND'] })
  extendInfo(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<ExtendInfoResponse> {
    return this.extendAllocation.info(principal, params.id);
  }
}
