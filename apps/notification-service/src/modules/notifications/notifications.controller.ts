import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NOTIFICATION_ROUTES } from '@cloudphone/contracts';
import {
  ApiListQuery,
  CurrentPrincipal,
  ListQueryParam,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import type { NotificationEntity } from './notification.entity';
import { NOTIFICATIONS_LIST_QUERY } from './notifications.list-query';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller(NOTIFICATION_ROUTES.notifications)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "List the caller's notifications (admins and services pass userId)" })
  @ApiListQuery(NOTIFICATIONS_LIST_QUERY)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(NOTIFICATIONS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<NotificationEntity>> {
    return this.notifications.listFor(principal, query);
  }
}
