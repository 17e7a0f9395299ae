import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ClusterStatsResponse,
  CreateNodeRequest,
  DEVICE_ROUTES,
  NodeResponse,
  UpdateNodeRequest,
  UsageTrendResponse,
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
import { NodeIdParams } from './dto/node-id.params';
import { UsageTrendQuery } from './dto/usage-trend.query';
import { NODES_LIST_QUERY } from './nodes.list-query';
import { NodesService } from './nodes.service';

@ApiCommonErrors()
@ApiTags('nodes')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class NodesController {
  constructor(private readonly nodes: NodesService) {}

  @Get(DEVICE_ROUTES.nodes)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'Nodes with their usage (admin, service)' })
  @ApiListQuery(NODES_LIST_QUERY)
  @ApiPaginatedResponse(NodeResponse)
  list(@ListQueryParam(NODES_LIST_QUERY) query: ListQuery): Promise<Page<NodeResponse>> {
    return this.nodes.list(query);
  }

  @Post(DEVICE_ROUTES.nodes)
  @ApiOperation({ summary: 'Add a node (admin); 409 NODE_NAME_TAKEN' })
  @ApiCreatedResponse({ type: NodeResponse })
  @ApiErrorResponses({ 409: ['NODE_NAME_TAKEN'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateNodeRequest,
  ): Promise<NodeResponse> {
    return this.nodes.create(request, principal);
  }

  @Get(DEVICE_ROUTES.clusterUsageTrend)
  @AllowServiceTokens()
  @ApiOkResponse({ type: UsageTrendResponse })
  clusterTrend(@Query() query: UsageTrendQuery): Promise<UsageTrendResponse> {
    return this.nodes.usageTrend(null, query.hours);
  }

  @Get(DEVICE_ROUTES.clusterStats)
  @AllowServiceTokens()
  @ApiOkResponse({ type: ClusterStatsResponse })
  clusterStats(): Promise<ClusterStatsResponse> {
    return this.nodes.clusterStats();
  }

  @Get(DEVICE_ROUTES.node)
  @AllowServiceTokens()
  @ApiOkResponse({ type: NodeResponse })
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'] })
  get(@Param() params: NodeIdParams): Promise<NodeResponse> {
    return this.nodes.get(params.id);
  }

  @Put(DEVICE_ROUTES.node)
  @ApiOperation({ summary: 'Change capacity, labels, taints or cost (admin)' })
  @ApiOkResponse({ type: NodeResponse })
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'], 409: ['NODE_NAME_TAKEN'] })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NodeIdParams,
    @Body() request: UpdateNodeRequest,
  ): Promise<NodeResponse> {
    return this.nodes.update(params.id, request, principal);
  }

  @Delete(DEVICE_ROUTES.node)
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a node no device is on (admin); 409 NODE_IN_USE' })
  @ApiNoContentResponse()
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'], 409: ['NODE_IN_USE', 'NODE_HAS_DEVICES'] })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: NodeIdParams): Promise<void> {
    return this.nodes.delete(params.id, principal);
  }

  @Post(DEVICE_ROUTES.nodeDrain)
  @HttpCode(200)
  @ApiOperation({ summary: 'No new allocations; its devices are retired as their allocations end (admin)' })
  @ApiOkResponse({ type: NodeResponse })
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'] })
  drain(@CurrentPrincipal() principal: Principal, @Param() params: NodeIdParams): Promise<NodeResponse> {
    return this.nodes.setState(params.id, 'draining', principal);
  }

  @Post(DEVICE_ROUTES.nodeMaintenance)
  @HttpCode(200)
  @ApiOperation({ summary: 'No new allocations; devices stay (admin)' })
  @ApiOkResponse({ type: NodeResponse })
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'] })
  maintenance(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NodeIdParams,
  ): Promise<NodeResponse> {
    return this.nodes.setState(params.id, 'maintenance', principal);
  }

  @Post(DEVICE_ROUTES.nodeUncordon)
  @HttpCode(200)
  @ApiOperation({ summary: 'Schedulable again: undoes drain or maintenance (admin)' })
  @ApiOkResponse({ type: NodeResponse })
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'] })
  uncordon(@CurrentPrincipal() principal: Principal, @Param() params: NodeIdParams): Promise<NodeResponse> {
    return this.nodes.setState(params.id, 'schedulable', principal);
  }

  @Get(DEVICE_ROUTES.nodeUsageTrend)
  @AllowServiceTokens()
  @ApiOkResponse({ type: UsageTrendResponse })
  @ApiErrorResponses({ 404: ['NODE_NOT_FOUND'] })
  trend(@Param() params: NodeIdParams, @Query() query: UsageTrendQuery): Promise<UsageTrendResponse> {
    return this.nodes.usageTrend(params.id, query.hours);
  }
}
