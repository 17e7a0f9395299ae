import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BatchAllocateRequest,
  BatchExtendRequest,
  BatchQueryRequest,
  BatchQueryResponse,
  BatchReleaseRequest,
  BatchResponse,
  DEVICE_ROUTES,
  HTTP_HEADERS,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  CurrentPrincipal,
  type Principal,
} from '@cloudphone/shared';
import { AllocationBatchUseCase } from './allocation-batch.use-case';

/** The batch calls: 200 with one result per item, in request order, whatever each item's outcome. */
@ApiCommonErrors()
@ApiTags('scheduler')
@ApiBearerAuth()
@ApiKeyScope('scheduler')
@Controller()
export class AllocationBatchController {
  constructor(private readonly batch: AllocationBatchUseCase) {}

  @Post(DEVICE_ROUTES.allocateBatch)
  @HttpCode(200)
  @ApiOperation({
    summary: '1–50 allocations in one call; 403 QUOTA_EXCEEDED when the batch as a whole cannot fit',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Each item: this key plus its index' })
  @ApiOkResponse({ type: BatchResponse })
  @ApiErrorResponses({ 402: ['INSUFFICIENT_BALANCE'], 409: ['NO_DEVICE_AVAILABLE', 'REQUEST_IN_PROGRESS'] })
  allocate(
    @CurrentPrincipal() principal: Principal,
    @Body() request: BatchAllocateRequest,
    @Headers(HTTP_HEADERS.idempotencyKey) idempotencyKey: string | undefined,
  ): Promise<BatchResponse> {
    return this.batch.allocate(principal, request, idempotencyKey);
  }

  @Post(DEVICE_ROUTES.releaseBatch)
  @HttpCode(200)
  @ApiOperation({ summary: '1–100 releases in one call' })
  @ApiOkResponse({ type: BatchResponse })
  release(
    @CurrentPrincipal() principal: Principal,
    @Body() request: BatchReleaseRequest,
  ): Promise<BatchResponse> {
    return this.batch.release(principal, request);
  }

  @Post(DEVICE_ROUTES.extendBatch)
  @HttpCode(200)
  @ApiOperation({ summary: '1–50 extensions in one call' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Each item: this key plus its index' })
  @ApiOkResponse({ type: BatchResponse })
  extend(
    @CurrentPrincipal() principal: Principal,
    @Body() request: BatchExtendRequest,
    @Headers(HTTP_HEADERS.idempotencyKey) idempotencyKey: string | undefined,
  ): Promise<BatchResponse> {
    return this.batch.extend(principal, request, idempotencyKey);
  }

  @Post(DEVICE_ROUTES.queryBatch)
  @HttpCode(200)
  @ApiKeyScope('scheduler', 'read')
  @ApiOperation({ summary: 'The live allocations of 1–100 users (admin, service; a user only themself)' })
  @ApiOkResponse({ type: BatchQueryResponse })
  query(
    @CurrentPrincipal() principal: Principal,
    @Body() request: BatchQueryRequest,
  ): Promise<BatchQueryResponse> {
    return this.batch.query(principal, request);
  }
}
