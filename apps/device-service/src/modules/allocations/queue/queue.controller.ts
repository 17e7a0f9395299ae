import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  DEVICE_ROUTES,
  HTTP_HEADERS,
  JoinQueueRequest,
  QueueEntryResponse,
  QueuePositionResponse,
  QueueStatsResponse,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  type ListQuery,
  ListQueryParam,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import type { Response } from 'express';
import { REPLAYED_HEADER } from '../allocations.controller';
import { AllocationIdParams } from '../dto/allocation-id.params';
import { QUEUE_LIST_QUERY } from './queue.list-query';
import { QueueUseCase } from './queue.use-case';

// `queue/stats` is declared before `queue/:id`, so it is matched first.
@ApiCommonErrors()
@ApiTags('scheduler')
@ApiBearerAuth()
@ApiKeyScope('scheduler')
@Controller()
export class QueueController {
  constructor(private readonly queue: QueueUseCase) {}

  @Post(DEVICE_ROUTES.queueJoin)
  @ApiOperation({
    summary: 'Wait for a device when none matching is free (user; admin or service for a userId)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body → same entry' })
  @ApiCreatedResponse({ type: QueueEntryResponse })
  @ApiErrorResponses({ 409: ['REQUEST_IN_PROGRESS'], 422: ['IDEMPOTENCY_KEY_REUSED'] })
  async join(
    @CurrentPrincipal() principal: Principal,
    @Body() request: JoinQueueRequest,
    @Headers(HTTP_HEADERS.idempotencyKey) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<QueueEntryResponse> {
    const joined = await this.queue.join(principal, request, idempotencyKey);
    if (joined.replayed) response.setHeader(REPLAYED_HEADER, 'true');
    return joined.entry;
  }

  @Get(DEVICE_ROUTES.queue)
  @ApiOperation({ summary: "Queue entries (a user's own; admins and services anyone's)" })
  @ApiListQuery(QUEUE_LIST_QUERY)
  @ApiPaginatedResponse(QueueEntryResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(QUEUE_LIST_QUERY) query: ListQuery,
  ): Promise<Page<QueueEntryResponse>> {
    return this.queue.list(principal, query);
  }

  @Get(DEVICE_ROUTES.queueStats)
  @ApiOperation({ summary: 'Waiting entries per tier, the oldest wait, and what ended in the last hour' })
  @ApiOkResponse({ type: QueueStatsResponse })
  stats(): Promise<QueueStatsResponse> {
    return this.queue.stats();
  }

  @Get(DEVICE_ROUTES.queueEntry)
  @ApiOperation({ summary: 'One queue entry, with its place and estimated wait (owner, admin, service)' })
  @ApiOkResponse({ type: QueueEntryResponse })
  @ApiErrorResponses({ 404: ['QUEUE_ENTRY_NOT_FOUND'] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<QueueEntryResponse> {
    return this.queue.get(principal, params.id);
  }

  @Get(DEVICE_ROUTES.queuePosition)
  @ApiOperation({ summary: "An entry's place in the queue and estimated wait" })
  @ApiOkResponse({ type: QueuePositionResponse })
  @ApiErrorResponses({ 404: ['QUEUE_ENTRY_NOT_FOUND'] })
  position(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<QueuePositionResponse> {
    return this.queue.position(principal, params.id);
  }

  @Post(DEVICE_ROUTES.queueCancel)
  @HttpCode(200)
  @ApiOperation({ summary: 'Leave the queue; repeatable (owner, admin, service)' })
  @ApiOkResponse({ type: QueueEntryResponse })
  @ApiErrorResponses({ 404: ['QUEUE_ENTRY_NOT_FOUND'], 409: ['QUEUE_ENTRY_ENDED'] })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<QueueEntryResponse> {
    return this.queue.cancel(principal, params.id);
  }
}
