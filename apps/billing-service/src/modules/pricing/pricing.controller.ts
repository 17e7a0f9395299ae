import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BILLING_ROUTES,
  PricePlanQuery,
  PricePlanResponse,
  PricePlanUpdateRequest,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  CurrentPrincipal,
  RequireRoles,
  type UserPrincipal,
} from '@cloudphone/shared';
import { PricingService } from './pricing.service';

@ApiCommonErrors()
@ApiTags('pricing')
@ApiBearerAuth()
@Controller()
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @Get(BILLING_ROUTES.pricing)
  @RequireRoles(ADMIN_ROLE)
  @AllowServiceTokens()
  @ApiOperation({ summary: 'The price plan in force for a currency (admin or service)' })
  @ApiOkResponse({ type: PricePlanResponse })
  @ApiErrorResponses({ 404: ['NOT_FOUND'], 503: ['PRICING_NOT_CONFIGURED'] })
  current(@Query() query: PricePlanQuery): Promise<PricePlanResponse> {
    return this.pricing.current(query.currency);
  }

  @Put(BILLING_ROUTES.pricing)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Change a currency’s prices from now on (admin); a new plan version' })
  @ApiOkResponse({ type: PricePlanResponse })
  update(
    @Body() request: PricePlanUpdateRequest,
    @CurrentPrincipal() admin: UserPrincipal,
  ): Promise<PricePlanResponse> {
    return this.pricing.update(request, admin.userId);
  }
}
