import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateProxyRequest,
  PROXY_ROUTES,
  ProxyResponse,
  UpdateProxyRequest,
  IdParams,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  type ListQuery,
  ListQueryParam,
  type Page,
  type Principal,
  RequireRoles,
} from '@cloudphone/shared';
import { POOL_LIST_QUERY } from './pool.list-query';
import { PoolService } from './pool.service';

@ApiCommonErrors()
@ApiTags('proxy pool')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class PoolController {
  constructor(private readonly pool: PoolService) {}

  @Get(PROXY_ROUTES.pool)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'The proxy pool, paginated and filtered (admin, service)' })
  @ApiListQuery(POOL_LIST_QUERY)
  @ApiPaginatedResponse(ProxyResponse)
  list(@ListQueryParam(POOL_LIST_QUERY) query: ListQuery): Promise<Page<ProxyResponse>> {
    return this.pool.list(query);
  }

  @Post(PROXY_ROUTES.pool)
  @ApiOperation({ summary: 'Add a proxy (admin); 409 PROXY_EXISTS, 404 PROXY_PROVIDER_NOT_FOUND' })
  @ApiCreatedResponse({ type: ProxyResponse })
  @ApiErrorResponses({ 404: ['PROXY_PROVIDER_NOT_FOUND'], 409: ['PROXY_EXISTS'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateProxyRequest,
  ): Promise<ProxyResponse> {
    return this.pool.create(request, principal);
  }

  @Get(PROXY_ROUTES.poolProxy)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyResponse })
  @ApiErrorResponses({ 404: ['PROXY_NOT_FOUND'] })
  get(@Param() params: IdParams): Promise<ProxyResponse> {
    return this.pool.get(params.id);
  }

  @Put(PROXY_ROUTES.poolProxy)
  @ApiOkResponse({ type: ProxyResponse })
  @ApiErrorResponses({ 404: ['PROXY_NOT_FOUND'], 409: ['PROXY_RETIRED'] })
  update(@Param() params: IdParams, @Body() request: UpdateProxyRequest): Promise<ProxyResponse> {
    return this.pool.update(params.id, request);
  }

  @Delete(PROXY_ROUTES.poolProxy)
  @ApiOperation({ summary: 'Retire a proxy, ending its rental if it has one (admin)' })
  @ApiOkResponse({ type: ProxyResponse })
  @ApiErrorResponses({ 404: ['PROXY_NOT_FOUND'], 409: ['PROXY_BUSY'] })
  retire(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<ProxyResponse> {
    return this.pool.retire(params.id, principal);
  }
}
