import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  CreateStrategyRequest,
  DEVICE_ROUTES,
  NoActiveStrategyResponse,
  StrategyResponse,
  UpdateStrategyRequest,
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
import { NodeIdParams } from './dto/node-id.params';
import { StrategiesService } from './strategies.service';

@ApiCommonErrors()
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
  @ApiExtraModels(StrategyResponse, NoActiveStrategyResponse)
  @ApiOkResponse({
    schema: {
      oneOf: [{ $ref: getSchemaPath(StrategyResponse) }, { $ref: getSchemaPath(NoActiveStrategyResponse) }],
    },
  })
  active(): Promise<StrategyResponse | NoActiveStrategyResponse> {
    return this.strategies.active();
  }

  @Post(DEVICE_ROUTES.strategies)
  @ApiOperation({ summary: 'Add a strategy (inactive); 409 STRATEGY_NAME_TAKEN' })
  @ApiCreatedResponse({ type: StrategyResponse })
  @ApiErrorResponses({ 409: ['STRATEGY_NAME_TAKEN'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() request: CreateStrategyRequest,
  ): Promise<StrategyResponse> {
    return this.strategies.create(request, principal);
  }

  @Put(DEVICE_ROUTES.strategy)
  @ApiOkResponse({ type: StrategyResponse })
  @ApiErrorResponses({ 404: ['STRATEGY_NOT_FOUND'], 409: ['STRATEGY_NAME_TAKEN'] })
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
  @ApiNoContentResponse()
  @ApiErrorResponses({ 404: ['STRATEGY_NOT_FOUND'], 409: ['STRATEGY_ACTIVE'] })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: NodeIdParams): Promise<void> {
    return this.strategies.delete(params.id, principal);
  }

  @Post(DEVICE_ROUTES.strategyActivate)
  @HttpCode(200)
  @ApiOperation({ summary: 'Make it the strategy placement uses (admin)' })
  @ApiOkResponse({ type: StrategyResponse })
  @ApiErrorResponses({ 404: ['STRATEGY_NOT_FOUND'] })
  activate(
    @CurrentPrincipal() principal: Principal,
    @Param() params: NodeIdParams,
  ): Promise<StrategyResponse> {
    return this.strategies.activate(params.id, principal);
  }
}
