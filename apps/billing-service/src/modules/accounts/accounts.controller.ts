import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BalanceCheckBatchRequest,
  BalanceCheckBatchResponse,
  BalanceCheckRequest,
  BalanceCheckResponse,
  BILLING_ROUTES,
  BillingAccountListItem,
  BillingAccountResponse,
  TopUpRequest,
  TopUpResponse,
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
  ServiceTokenOnly,
  type ListQuery,
  type Page,
  type Principal,
  type UserPrincipal,
} from '@cloudphone/shared';
import { ACCOUNTS_LIST_QUERY } from './accounts.list-query';
import { AccountsService, type ListedAccount } from './accounts.service';
import { UserIdParams } from './dto/user-id-params.dto';

@ApiCommonErrors()
@ApiTags('accounts')
@ApiBearerAuth()
@ApiKeyScope('billing')
@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get(BILLING_ROUTES.accounts)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'List billing accounts (admin or service)' })
  @ApiListQuery(ACCOUNTS_LIST_QUERY)
  @ApiPaginatedResponse(BillingAccountListItem)
  list(@ListQueryParam(ACCOUNTS_LIST_QUERY) query: ListQuery): Promise<Page<ListedAccount>> {
    return this.accounts.list(query);
  }

  @Get(BILLING_ROUTES.account)
  @ApiOperation({ summary: 'A user’s account and balance (the user themself, an admin or a service)' })
  @ApiOkResponse({ type: BillingAccountResponse })
  get(
    @Param() params: UserIdParams,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BillingAccountResponse> {
    return this.accounts.get(principal, params.userId);
  }

  @Post(BILLING_ROUTES.accountTopUp)
  @HttpCode(200)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Credit a user’s account (admin); idempotent per reference' })
  @ApiOkResponse({ type: TopUpResponse })
  @ApiErrorResponses({ 409: ['TOP_UP_CONFLICT'], 422: ['BALANCE_OUT_OF_RANGE'] })
  topUp(
    @Param() params: UserIdParams,
    @Body() request: TopUpRequest,
    @CurrentPrincipal() admin: UserPrincipal,
  ): Promise<TopUpResponse> {
    return this.accounts.topUp(params.userId, request, admin.userId);
  }

  @Post(BILLING_ROUTES.balanceCheck)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Does the balance cover this device spec for this long? (service; read-only)' })
  @ApiOkResponse({ type: BalanceCheckResponse })
  @ApiErrorResponses({ 503: ['PRICING_NOT_CONFIGURED'] })
  checkBalance(@Body() request: BalanceCheckRequest): Promise<BalanceCheckResponse> {
    return this.accounts.checkBalance(request);
  }

  @Post(BILLING_ROUTES.balanceCheckBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({
    summary: 'Up to 100 balance checks, each as POST /billing/balance/check (service; read-only)',
  })
  @ApiOkResponse({ type: BalanceCheckBatchResponse })
  @ApiErrorResponses({ 503: ['PRICING_NOT_CONFIGURED'] })
  checkBalances(@Body() request: BalanceCheckBatchRequest): Promise<BalanceCheckBatchResponse> {
    return this.accounts.checkBalances(request);
  }
}
