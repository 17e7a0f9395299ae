import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  MarkAllReadResponse,
  NOTIFICATION_ROUTES,
  NotificationResponse,
  UnreadCountResponse,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  ListQueryParam,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { NotificationErrors } from './notifications.errors';
import { NOTIFICATIONS_LIST_QUERY } from './notifications.list-query';
import { NotificationsService } from './notifications.service';
import { UnreadCountQuery } from './unread-count-query.dto';

const notificationId = new ParseUUIDPipe({ exceptionFactory: () => NotificationErrors.invalidId() });

@ApiCommonErrors()
@ApiTags('notifications')
@ApiBearerAuth()
@ApiKeyScope('notifications')
@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get(NOTIFICATION_ROUTES.notifications)
  @ApiOperation({
    summary: "List the caller's notifications, newest first (admins and services pass userId)",
  })
  @ApiListQuery(NOTIFICATIONS_LIST_QUERY)
  @ApiPaginatedResponse(NotificationResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(NOTIFICATIONS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<NotificationResponse>> {
    return this.notifications.listFor(principal, query);
  }

  @Get(NOTIFICATION_ROUTES.unreadCount)
  @ApiOperation({ summary: "Count the caller's unread notifications (admins and services pass userId)" })
  @ApiOkResponse({ type: UnreadCountResponse })
  unreadCount(
    @CurrentPrincipal() principal: Principal,
    @Query() query: UnreadCountQuery,
  ): Promise<UnreadCountResponse> {
    return this.notifications.unreadCountFor(principal, query.userId);
  }

  @Post(NOTIFICATION_ROUTES.markAllRead)
  @HttpCode(200)
  @ApiOperation({ summary: "Mark all of the caller's unread notifications read" })
  @ApiOkResponse({ type: MarkAllReadResponse })
  markAllRead(@CurrentPrincipal() principal: Principal): Promise<MarkAllReadResponse> {
    return this.notifications.markAllRead(principal);
  }

  @Post(NOTIFICATION_ROUTES.markRead)
  @HttpCode(200)
  @ApiOperation({
    summary: "Mark one of the caller's notifications read (idempotent; another user's id is 404)",
  })
  @ApiOkResponse({ type: NotificationResponse })
  @ApiErrorResponses({ 404: ['NOTIFICATION_NOT_FOUND'] })
  markRead(
    @CurrentPrincipal() principal: Principal,
    @Param('id', notificationId) id: string,
  ): Promise<NotificationResponse> {
    return this.notifications.markRead(principal, id);
  }
}
