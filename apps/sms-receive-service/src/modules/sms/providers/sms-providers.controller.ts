import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateSmsProviderRequest,
  IdParams,
  SMS_RECEIVE_ROUTES,
  SmsProviderPerformanceResponse,
  SmsProviderResponse,
  SmsProviderTestResponse,
  ToggleEnabledRequest,
  UpdateSmsProviderRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  CurrentPrincipal,
  type Principal,
  RequireRoles,
} from '@cloudphone/shared';
import { NumberStatsRepository } from '../numbers/number-stats.repository';
import { SmsProvidersService } from './sms-providers.service';

/** The window of `GET /sms/providers/performance`. */
const PERFORMANCE_HOURS = 24;

@ApiCommonErrors()
@ApiTags('sms providers')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class SmsProvidersController {
  constructor(
    private readonly providers: SmsProvidersService,
    private readonly stats: NumberStatsRepository,
  ) {}

  @Get(SMS_RECEIVE_ROUTES.providers)
  @AllowServiceTokens()
  @ApiOkResponse({ type: [SmsProviderResponse] })
  list(): Promise<SmsProviderResponse[]> {
    return this.providers.list();
  }

  @Post(SMS_RECEIVE_ROUTES.providers)
  @ApiOperation({ summary: 'Add a provider (admin); 409 SMS_PROVIDER_EXISTS' })
  @ApiCreatedResponse({ type: SmsProviderResponse })
  @ApiErrorResponses({ 409: ['SMS_PROVIDER_EXISTS'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateSmsProviderRequest,
  ): Promise<SmsProviderResponse> {
    return this.providers.create(request, principal);
  }

  // Before `providers/:id`, which would otherwise take "performance" for an id.
  @Get(SMS_RECEIVE_ROUTES.providersPerformance)
  @AllowServiceTokens()
  @ApiOkResponse({ type: SmsProviderPerformanceResponse })
  async performance(): Promise<SmsProviderPerformanceResponse> {
    return { items: await this.stats.performance(PERFORMANCE_HOURS), windowHours: PERFORMANCE_HOURS };
  }

  @Get(SMS_RECEIVE_ROUTES.provider)
  @AllowServiceTokens()
  @ApiOkResponse({ type: SmsProviderResponse })
  @ApiErrorResponses({ 404: ['SMS_PROVIDER_NOT_FOUND'] })
  get(@Param() params: IdParams): Promise<SmsProviderResponse> {
    return this.providers.get(params.id);
  }

  @Put(SMS_RECEIVE_ROUTES.provider)
  @ApiOkResponse({ type: SmsProviderResponse })
  @ApiErrorResponses({ 404: ['SMS_PROVIDER_NOT_FOUND'], 409: ['SMS_PROVIDER_EXISTS'] })
  update(@Param() params: IdParams, @Body() request: UpdateSmsProviderRequest): Promise<SmsProviderResponse> {
    return this.providers.update(params.id, request);
  }

  @Delete(SMS_RECEIVE_ROUTES.provider)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a provider that never rented a number (admin); 409 SMS_PROVIDER_IN_USE' })
  @ApiNoContentResponse()
  @ApiErrorResponses({ 404: ['SMS_PROVIDER_NOT_FOUND'], 409: ['SMS_PROVIDER_IN_USE'] })
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<void> {
    return this.providers.remove(params.id, principal);
  }

  @Patch(SMS_RECEIVE_ROUTES.providerToggle)
  @ApiOkResponse({ type: SmsProviderResponse })
  @ApiErrorResponses({ 404: ['SMS_PROVIDER_NOT_FOUND'] })
  toggle(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
    @Body() request: ToggleEnabledRequest,
  ): Promise<SmsProviderResponse> {
    return this.providers.toggle(params.id, request.enabled, principal);
  }

  @Post(SMS_RECEIVE_ROUTES.providerTest)
  @HttpCode(200)
  @ApiOkResponse({ type: SmsProviderTestResponse })
  @ApiErrorResponses({ 404: ['SMS_PROVIDER_NOT_FOUND'] })
  test(@Param() params: IdParams): Promise<SmsProviderTestResponse> {
    return this.providers.test(params.id);
  }
}
