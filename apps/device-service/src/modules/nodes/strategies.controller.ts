import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateStrategyRequest,
  DEVICE_ROUTES,
  StrategyResponse,
  UpdateStrategyRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  CurrentPrincipal,
  type Principal,
  RequireRoles,
} from '@cloudphone/shared';
import { NodeIdParams } from './dto/node-id.params';
import { StrategiesService } from './strategies.service';

@ApiTags('strategies')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@Controller()
export class StrategiesController {
  constructor(private readonly strategies: StrategiesService) {}

  @Get(DEVICE_ROUTES.strategies)
  @AllowServiceTokens()
  @ApiOkResponse({ type: [StrategyResponse] })
  list(): Promise<StrategyResponse[]> {
    return this.strategies.list();
  }

  @Get(DEVICE_ROUTES.activeStrategy)
  @AllowServiceTokens()
  @ApiOperation({
    summary: 'The active strategy; `{policy: spread, active: false, name: null}` when none is',
  })
  active() {
    return this.strategies.active();
  }

  @Post(DEVICE_ROUTES.strategies)
  @ApiOperation({ summary: 'Add a strategy (inactive); 409 STRATEGY_NAME_TAKEN' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateStrategyRequest,
  ): Promise<StrategyResponse> {
    return this.strategies.create(request, principal);
  }

  @Put(DEVICE_ROUTES.strategy)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NodeIdParams,
    @Body() request: UpdateStrategyRequest,
  ): Promise<StrategyResponse> {
    return this.strategies.update(params.id, request, principal);
  }

  @Delete(DEVICE_ROUTES.strategy)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an inactive strategy; 409 STRATEGY_ACTIVE' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: NodeIdParams): Promise<void> {
    return this.strategies.delete(params.id, principal);
  }

  @Post(DEVICE_ROUTES.strategyActivate)
  @HttpCode(200)
  @ApiOperation({ summary: 'Make it the strategy placement uses (admin)' })
  activate(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NodeIdParams,
  ): Promise<StrategyResponse> {
    return this.strategies.activate(params.id, principal);
  }
}
