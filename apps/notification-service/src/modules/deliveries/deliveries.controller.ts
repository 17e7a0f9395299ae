import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveryResponse, NOTIFICATION_ROUTES } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  RequireRoles,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { DELIVERIES_LIST_QUERY } from './deliveries.list-query';
import { DeliveryErrors } from './deliveries.errors';
import { DeliveriesService } from './deliveries.service';

const deliveryId = new ParseUUIDPipe({ exceptionFactory: () => DeliveryErrors.invalidId() });

@ApiCommonErrors()
@ApiTags('notifications')
@ApiBearerAuth()
@ApiKeyScope('notifications')
@Controller()
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get(NOTIFICATION_ROUTES.deliveries)
  @ApiOperation({ summary: "The caller's delivery records by email, webhook and push (admins: anyone's)" })
  @ApiListQuery(DELIVERIES_LIST_QUERY)
  @ApiPaginatedResponse(DeliveryResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(DELIVERIES_LIST_QUERY) query: ListQuery,
  ): Promise<Page<DeliveryResponse>> {
    return this.deliveries.list(principal, query);
  }

  @Post(NOTIFICATION_ROUTES.deliveryReplay)
  @HttpCode(200)
  @RequireRoles(ADMIN_ROLE)
  @ApiOperation({ summary: 'Send a delivery again (same delivery id, a new round): admins' })
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiErrorResponses({ 404: ['DELIVERY_NOT_FOUND'], 409: ['DELIVERY_CONTENT_GONE'] })
  replay(
    @CurrentPrincipal() principal: Principal,
    @Param('id', deliveryId) id: string,
  ): Promise<DeliveryResponse> {
    return this.deliveries.replay(principal, id);
  }

  // Registered last: a single-segment :id route must not shadow the others.
  @Get(NOTIFICATION_ROUTES.delivery)
  @ApiOperation({ summary: 'One delivery record (another user’s answers 404)' })
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiErrorResponses({ 404: ['DELIVERY_NOT_FOUND'] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', deliveryId) id: string,
  ): Promise<DeliveryResponse> {
    return this.deliveries.get(principal, id);
  }
}
