import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  PROXY_ROUTES,
  ProxyAlertResponse,
  ProxyCostReportQuery,
  ProxyCostReportResponse,
  ProxyCostStatsResponse,
  ProxyPoolStatsResponse,
  IdParams,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  type ListQuery,
  ListQueryParam,
  type Page,
  type Principal,
  RequireRoles,
} from '@cloudphone/shared';
import { ALERTS_LIST_QUERY } from './alerts.list-query';
import { CostsService } from './costs.service';

@ApiCommonErrors()
@ApiTags('proxy costs and alerts')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class CostsController {
  constructor(private readonly costs: CostsService) {}

  @Get(PROXY_ROUTES.costStats)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyCostStatsResponse })
  stats(): Promise<ProxyCostStatsResponse> {
    return this.costs.stats();
  }

  @Get(PROXY_ROUTES.costReport)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyCostReportResponse })
  report(@Query() query: ProxyCostReportQuery): Promise<ProxyCostReportResponse> {
    return this.costs.report(query.from, query.to);
  }

  @Get(PROXY_ROUTES.poolStats)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ProxyPoolStatsResponse })
  poolStats(): Promise<ProxyPoolStatsResponse> {
    return this.costs.poolStats();
  }

  @Get(PROXY_ROUTES.alerts)
  @AllowServiceTokens()
  @ApiListQuery(ALERTS_LIST_QUERY)
  @ApiPaginatedResponse(ProxyAlertResponse)
  alerts(@ListQueryParam(ALERTS_LIST_QUERY) query: ListQuery): Promise<Page<ProxyAlertResponse>> {
    return this.costs.listAlerts(query);
  }

  @Post(PROXY_ROUTES.alertAcknowledge)
  @HttpCode(200)
  @ApiOkResponse({ type: ProxyAlertResponse })
  acknowledge(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
  ): Promise<ProxyAlertResponse> {
    return this.costs.moveAlert(params.id, 'acknowledged', principal);
  }

  @Post(PROXY_ROUTES.alertResolve)
  @HttpCode(200)
  @ApiOkResponse({ type: ProxyAlertResponse })
  resolve(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<ProxyAlertResponse> {
    return this.costs.moveAlert(params.id, 'resolved', principal);
  }
}
