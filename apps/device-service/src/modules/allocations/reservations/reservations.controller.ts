import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CancelReservationRequest,
  CheckReservationConflictRequest,
  CheckReservationConflictResponse,
  CreateReservationRequest,
  DEVICE_ROUTES,
  HTTP_HEADERS,
  ReservationResponse,
  ReservationStatsResponse,
  UpdateReservationRequest,
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
import { BookReservationUseCase } from './book-reservation.use-case';
import { ChangeReservationUseCase } from './change-reservation.use-case';
import { ReservationQueryService } from './reservation-query.service';
import { toReservationResponse as toResponse } from './reservation-record';
import { RESERVATIONS_LIST_QUERY } from './reservations.list-query';

@ApiCommonErrors()
@ApiTags('scheduler')
@ApiBearerAuth()
@ApiKeyScope('scheduler')
@Controller()
export class ReservationsController {
  constructor(
    private readonly booking: BookReservationUseCase,
    private readonly changes: ChangeReservationUseCase,
    private readonly queries: ReservationQueryService,
  ) {}

  @Post(DEVICE_ROUTES.reservations)
  @ApiOperation({
    summary: 'Book a device or a spec for a future slot (user; admin or service for a userId)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body → same reservation',
  })
  @ApiCreatedResponse({ type: ReservationResponse })
  @ApiErrorResponses({ 409: ['RESERVATION_CONFLICT', 'REQUEST_IN_PROGRESS'] })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateReservationRequest,
    @Headers(HTTP_HEADERS.idempotencyKey) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReservationResponse> {
    const answer = await this.booking.book(principal, request, idempotencyKey);
    if (answer.replayed) response.setHeader(REPLAYED_HEADER, 'true');
    return answer.reservation;
  }

  @Get(DEVICE_ROUTES.reservations)
  @ApiOperation({ summary: "List reservations (a user's own; admins and services anyone's)" })
  @ApiListQuery(RESERVATIONS_LIST_QUERY)
  @ApiPaginatedResponse(ReservationResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(RESERVATIONS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<ReservationResponse>> {
    return this.queries.list(principal, query);
  }

  @Get(DEVICE_ROUTES.reservationStats)
  @ApiOperation({ summary: "Reservations per status and what is coming (a user's own; admins everyone's)" })
  @ApiOkResponse({ type: ReservationStatsResponse })
  summary(@CurrentPrincipal() principal: Principal): Promise<ReservationStatsResponse> {
    return this.queries.summary(principal);
  }

  @Post(DEVICE_ROUTES.reservationCheckConflict)
  @HttpCode(200)
  @ApiKeyScope('scheduler', 'read')
  @ApiOperation({ summary: 'Would a booking of this slot get a device? Holds nothing' })
  @ApiOkResponse({ type: CheckReservationConflictResponse })
  checkConflict(@Body() request: CheckReservationConflictRequest): Promise<CheckReservationConflictResponse> {
    return this.queries.check(request);
  }

  @Get(DEVICE_ROUTES.reservation)
  @ApiOperation({ summary: 'One reservation (its owner, an admin or a service)' })
  @ApiOkResponse({ type: ReservationResponse })
  @ApiErrorResponses({ 404: ['RESERVATION_NOT_FOUND'] })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
  ): Promise<ReservationResponse> {
    return toResponse(await this.changes.visible(principal, params.id));
  }

  @Put(DEVICE_ROUTES.reservation)
  @ApiOperation({ summary: 'Move or resize a confirmed reservation (owner, admin, service)' })
  @ApiOkResponse({ type: ReservationResponse })
  @ApiErrorResponses({
    404: ['RESERVATION_NOT_FOUND'],
    409: ['RESERVATION_CONFLICT', 'RESERVATION_NOT_CHANGEABLE'],
  })
  move(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
    @Body() request: UpdateReservationRequest,
  ): Promise<ReservationResponse> {
    return this.changes.move(principal, params.id, request);
  }

  @Post(DEVICE_ROUTES.reservationCancel)
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a confirmed reservation; repeatable (owner, admin, service)' })
  @ApiOkResponse({ type: ReservationResponse })
  @ApiErrorResponses({ 404: ['RESERVATION_NOT_FOUND'], 409: ['RESERVATION_NOT_CHANGEABLE'] })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param() params: AllocationIdParams,
    @Body() request: CancelReservationRequest,
  ): Promise<ReservationResponse> {
    return this.changes.cancel(principal, params.id, request);
  }
}
