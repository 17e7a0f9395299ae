import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AcquireProxyRequest,
  PROXY_ROUTES,
  ProxyBatchReleaseRequest,
  ProxyBatchReleaseResponse,
  ProxyOffersResponse,
  ProxyRentalResponse,
  ProxyRentalUsageResponse,
  RenewProxyRequest,
  IdParams,
} from '@cloudphone/contracts';
import {
  AllowServiceTokens,
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
import { RENTALS_LIST_QUERY } from './rentals.list-query';
import { RentalsService } from './rentals.service';

/**
 * The renter's routes. Registered after every other proxy controller (AppModule imports this
 * module last), and with its own static paths first, because `proxy/:id` would take `proxy/pool`,
 * `proxy/providers` or `proxy/available` for an id.
 */
@ApiCommonErrors()
@ApiTags('proxy rentals')
@ApiBearerAuth()
@AllowServiceTokens()
@ApiKeyScope('proxy')
@Controller()
export class RentalsController {
  constructor(private readonly rentals: RentalsService) {}

  @Get(PROXY_ROUTES.available)
  @ApiOperation({ summary: 'Countries and types with free proxies, and their price' })
  @ApiOkResponse({ type: ProxyOffersResponse })
  available(): Promise<ProxyOffersResponse> {
    return this.rentals.offers(true);
  }

  @Get(PROXY_ROUTES.pricing)
  @ApiOperation({ summary: 'Prices per hour and per GB by country and type' })
  @ApiOkResponse({ type: ProxyOffersResponse })
  pricing(): Promise<ProxyOffersResponse> {
    return this.rentals.offers(false);
  }

  @Get(PROXY_ROUTES.usageHistory)
  @ApiOperation({ summary: "The caller's rentals (admin, service: anyone's)" })
  @ApiListQuery(RENTALS_LIST_QUERY)
  @ApiPaginatedResponse(ProxyRentalResponse)
  history(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(RENTALS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<ProxyRentalResponse>> {
    return this.rentals.history(query, principal);
  }

  @Post(PROXY_ROUTES.acquire)
  @ApiOperation({
    summary: 'Rent a proxy; 409 NO_PROXY_AVAILABLE, 404 ALLOCATION_NOT_FOUND, 409 ALLOCATION_NOT_ACTIVE',
  })
  @ApiCreatedResponse({ type: ProxyRentalResponse })
  @ApiErrorResponses({ 404: ['ALLOCATION_NOT_FOUND'], 409: ['ALLOCATION_NOT_ACTIVE', 'NO_PROXY_AVAILABLE'] })
  acquire(
    @CurrentPrincipal() principal: Principal,
    @Body() request: AcquireProxyRequest,
  ): Promise<ProxyRentalResponse> {
    return this.rentals.acquire(request, principal);
  }

  @Post(PROXY_ROUTES.batchRelease)
  @HttpCode(200)
  @ApiOkResponse({ type: ProxyBatchReleaseResponse })
  releaseBatch(
    @CurrentPrincipal() principal: Principal,
    @Body() request: ProxyBatchReleaseRequest,
  ): Promise<ProxyBatchReleaseResponse> {
    return this.rentals.releaseBatch(request.ids, principal);
  }

  @Post(PROXY_ROUTES.release)
  @HttpCode(200)
  @ApiOperation({ summary: 'End a rental; an ended one is answered as it ended' })
  @ApiOkResponse({ type: ProxyRentalResponse })
  @ApiErrorResponses({ 404: ['PROXY_RENTAL_NOT_FOUND'] })
  release(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<ProxyRentalResponse> {
    return this.rentals.release(params.id, principal);
  }

  @Get(PROXY_ROUTES.rental)
  @ApiOkResponse({ type: ProxyRentalResponse })
  @ApiErrorResponses({ 404: ['PROXY_RENTAL_NOT_FOUND'] })
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<ProxyRentalResponse> {
    return this.rentals.get(params.id, principal);
  }

  @Post(PROXY_ROUTES.renew)
  @HttpCode(200)
  @ApiOperation({ summary: 'Keep the exit until at least stickyMinutes from now; 409 PROXY_RENTAL_ENDED' })
  @ApiOkResponse({ type: ProxyRentalResponse })
  @ApiErrorResponses({ 404: ['PROXY_RENTAL_NOT_FOUND'], 409: ['PROXY_RENTAL_ENDED'] })
  renew(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
    @Body() request: RenewProxyRequest,
  ): Promise<ProxyRentalResponse> {
    return this.rentals.renew(params.id, request.stickyMinutes, principal);
  }

  @Get(PROXY_ROUTES.rentalUsage)
  @ApiOkResponse({ type: ProxyRentalUsageResponse })
  @ApiErrorResponses({ 404: ['PROXY_RENTAL_NOT_FOUND'] })
  usage(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
  ): Promise<ProxyRentalUsageResponse> {
    return this.rentals.usage(params.id, principal);
  }
}
