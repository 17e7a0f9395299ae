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
  CreateProxyProviderRequest,
  PROXY_ROUTES,
  ProxyProviderImportResponse,
  ProxyProviderRankingResponse,
  ProxyProviderResponse,
  ProxyProviderTestResponse,
  ToggleEnabledRequest,
  UpdateProxyProviderRequest,
  IdParams,
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
import { ProvidersService } from './providers.service';

@ApiCommonErrors()
@ApiTags('proxy providers')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get(PROXY_ROUTES.providers)
  @AllowServiceTokens()
  @ApiOkResponse({ type: [ProxyProviderResponse] })
  list(): Promise<ProxyProviderResponse[]> {
    return this.providers.list();
  }

  @Post(PROXY_ROUTES.providers)
  @ApiOperation({ summary: 'Add a provider (admin); 409 PROXY_PROVIDER_EXISTS' })
  @ApiCreatedResponse({ type: ProxyProviderResponse })
  @ApiErrorResponses({ 409: ['PROXY_PROVIDER_EXISTS'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateProxyProviderRequest,
  ): Promise<ProxyProviderResponse> {
    return this.providers.create(request, principal);
  }

  // Before `providers/:id`, which would otherwise take "ranking" for an id.
  @Get(PROXY_ROUTES.providersRanking)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyProviderRankingResponse })
  ranking(): Promise<ProxyProviderRankingResponse> {
    return this.providers.ranking();
  }

  @Get(PROXY_ROUTES.provider)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyProviderResponse })
  @ApiErrorResponses({ 404: ['PROXY_PROVIDER_NOT_FOUND'] })
  get(@Param() params: IdParams): Promise<ProxyProviderResponse> {
    return this.providers.get(params.id);
  }

  @Put(PROXY_ROUTES.provider)
  @ApiOkResponse({ type: ProxyProviderResponse })
  @ApiErrorResponses({ 404: ['PROXY_PROVIDER_NOT_FOUND'], 409: ['PROXY_PROVIDER_EXISTS'] })
  update(
    @Param() params: IdParams,
    @Body() request: UpdateProxyProviderRequest,
  ): Promise<ProxyProviderResponse> {
    return this.providers.update(params.id, request);
  }

  @Delete(PROXY_ROUTES.provider)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a provider that never had a proxy (admin); 409 PROXY_PROVIDER_IN_USE' })
  @ApiNoContentResponse()
  @ApiErrorResponses({ 404: ['PROXY_PROVIDER_NOT_FOUND'], 409: ['PROXY_PROVIDER_IN_USE'] })
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<void> {
    return this.providers.remove(params.id, principal);
  }

  @Patch(PROXY_ROUTES.providerToggle)
  @ApiOkResponse({ type: ProxyProviderResponse })
  @ApiErrorResponses({ 404: ['PROXY_PROVIDER_NOT_FOUND'] })
  toggle(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
    @Body() request: ToggleEnabledRequest,
  ): Promise<ProxyProviderResponse> {
    return this.providers.toggle(params.id, request.enabled, principal);
  }

  @Post(PROXY_ROUTES.providerTest)
  @HttpCode(200)
  @ApiOkResponse({ type: ProxyProviderTestResponse })
  @ApiErrorResponses({
    404: ['PROXY_PROVIDER_NOT_FOUND'],
    409: ['PROXY_PROVIDER_HAS_NO_API'],
    502: ['PROXY_VENDOR_FAILED'],
  })
  test(@Param() params: IdParams): Promise<ProxyProviderTestResponse> {
    return this.providers.test(params.id);
  }

  @Post(PROXY_ROUTES.providerImport)
  @HttpCode(200)
  @ApiOperation({
    summary: "Import the provider's proxies, by the vendor's id (admin); 502 PROXY_VENDOR_FAILED",
  })
  @ApiOkResponse({ type: ProxyProviderImportResponse })
  @ApiErrorResponses({
    404: ['PROXY_PROVIDER_NOT_FOUND'],
    409: ['PROXY_PROVIDER_HAS_NO_API'],
    502: ['PROXY_VENDOR_FAILED'],
  })
  import(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
  ): Promise<ProxyProviderImportResponse> {
    return this.providers.import(params.id, principal);
  }
}
