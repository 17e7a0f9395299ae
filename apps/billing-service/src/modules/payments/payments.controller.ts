import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  IdParams,
  PaymentCreateRequest,
  PaymentCreateResponse,
  PaymentResponse,
  PaymentSimulateRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
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
import { PAYMENTS_LIST_QUERY } from './payments.list-query';
import { PaymentsService } from './payments.service';

@ApiCommonErrors()
@ApiTags('payments')
@ApiBearerAuth()
@ApiKeyScope('billing')
@Controller()
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post(BILLING_ROUTES.payments)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start a payment into your own account (a user JWT or an API key with billing:write)',
  })
  @ApiCreatedResponse({ type: PaymentCreateResponse })
  @ApiErrorResponses({
    409: ['CURRENCY_MISMATCH'],
    422: ['PAYMENT_NOTHING_TO_CHARGE', 'PAYMENT_REFUSED_BY_PROVIDER'],
    503: ['PAYMENT_PROVIDER_UNAVAILABLE'],
  })
  create(
    @Body() request: PaymentCreateRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PaymentCreateResponse> {
    return this.payments.create(principal, request);
  }

  @Get(BILLING_ROUTES.payments)
  @ApiOperation({ summary: 'Payments: your own; an admin’s list is everyone’s (filter userId)' })
  @ApiListQuery(PAYMENTS_LIST_QUERY)
  @ApiPaginatedResponse(PaymentResponse)
  list(
    @ListQueryParam(PAYMENTS_LIST_QUERY) query: ListQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<PaymentResponse>> {
    return this.payments.list(principal, query);
  }

  @Get(BILLING_ROUTES.payment)
  @ApiOperation({ summary: 'One payment (its owner or an admin)' })
  @ApiOkResponse({ type: PaymentResponse })
  @ApiErrorResponses({ 404: ['PAYMENT_NOT_FOUND'] })
  get(@Param() params: IdParams, @CurrentPrincipal() principal: Principal): Promise<PaymentResponse> {
    return this.payments.get(principal, params.id);
  }

  // Admins only: with the simulated provider a payer settling their own payment would be free money,
  // should an operator leave PAYMENT_PROVIDER at its development default.
  @Post(BILLING_ROUTES.paymentSimulate)
  @RequireRoles(ADMIN_ROLE)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Simulated provider only: settle a payment as succeeded or failed (admin)',
  })
  @ApiOkResponse({ type: PaymentResponse })
  @ApiErrorResponses({ 404: ['PAYMENT_NOT_FOUND'], 409: ['PAYMENT_NOT_SIMULATED', 'PAYMENT_NOT_OPEN'] })
  simulate(
    @Param() params: IdParams,
    @Body() request: PaymentSimulateRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PaymentResponse> {
    return this.payments.simulate(principal, params.id, request.outcome);
  }
}
