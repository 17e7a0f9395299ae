import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  QuotaChangeResponse,
  QuotaCheckRequest,
  QuotaCheckResponse,
  QuotaLimitsRequest,
  QuotaRestoreBatchRequest,
  QuotaRestoreBatchResponse,
  QuotaRestoreRequest,
  QuotaUsageBatchRequest,
  QuotaUsageBatchResponse,
  QuotaUsageRequest,
  USER_ROUTES,
  UserQuotaResponse,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  CurrentPrincipal,
  type Principal,
  RequireRoles,
  ServiceTokenOnly,
} from '@cloudphone/shared';
import { QuotaUserParams } from './dto/quota-user.params';
import { QuotasService } from './quotas.service';

@ApiCommonErrors()
@ApiTags('quotas')
@ApiBearerAuth()
@Controller()
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Post(USER_ROUTES.quotaCheck)
  @HttpCode(200)
  @ApiKeyScope('account', 'read')
  @ApiOperation({ summary: 'Would this allocation fit the quota? Read-only (services, admins, the user)' })
  @ApiOkResponse({ type: QuotaCheckResponse })
  check(
    @CurrentPrincipal() principal: Principal,
    @Body() request: QuotaCheckRequest,
  ): Promise<QuotaCheckResponse> {
    return this.quotas.check(principal, request);
  }

  @Post(USER_ROUTES.quotaUsage)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Count an allocation against the quota, once per allocationId (services)' })
  @ApiOkResponse({ type: QuotaChangeResponse })
  @ApiErrorResponses({
    403: ['QUOTA_EXCEEDED', 'USER_SUSPENDED'],
    404: ['USER_NOT_FOUND'],
    409: ['ALLOCATION_MISMATCH'],
  })
  reportUsage(@Body() request: QuotaUsageRequest): Promise<QuotaChangeResponse> {
    return this.quotas.reportUsage(request);
  }

  @Post(USER_ROUTES.quotaUsageBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({
    summary: 'Up to 100 usage reports, each as POST /quotas/usage alone, answered per item (services)',
  })
  @ApiOkResponse({ type: QuotaUsageBatchResponse })
  reportUsageBatch(@Body() request: QuotaUsageBatchRequest): Promise<QuotaUsageBatchResponse> {
    return this.quotas.reportUsageBatch(request);
  }

  @Post(USER_ROUTES.quotaRestore)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: "Give an allocation's resources back, once per allocationId (services)" })
  @ApiOkResponse({ type: QuotaChangeResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'], 409: ['ALLOCATION_MISMATCH'] })
  restore(@Body() request: QuotaRestoreRequest): Promise<QuotaChangeResponse> {
    return this.quotas.restore(request);
  }

  @Post(USER_ROUTES.quotaRestoreBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  @ApiOperation({ summary: 'Up to 100 restores in one call, answered per item (services)' })
  @ApiOkResponse({ type: QuotaRestoreBatchResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'], 409: ['ALLOCATION_MISMATCH'] })
  restoreBatch(@Body() request: QuotaRestoreBatchRequest): Promise<QuotaRestoreBatchResponse> {
    return this.quotas.restoreBatch(request);
  }

  @Get(USER_ROUTES.quota)
  @ApiKeyScope('account')
  @ApiOperation({ summary: "A user's limits and usage (services, admins, the user)" })
  @ApiOkResponse({ type: UserQuotaResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: QuotaUserParams,
  ): Promise<UserQuotaResponse> {
    return this.quotas.get(principal, params.userId);
  }

  @Put(USER_ROUTES.quotaLimits)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: "Set a user's limits (admin); never below current usage" })
  @ApiOkResponse({ type: UserQuotaResponse })
  @ApiErrorResponses({ 404: ['USER_NOT_FOUND'], 409: ['LIMIT_BELOW_USAGE'] })
  setLimits(
    @Param() params: QuotaUserParams,
    @Body() request: QuotaLimitsRequest,
  ): Promise<UserQuotaResponse> {
    return this.quotas.setLimits(params.userId, request);
  }
}
