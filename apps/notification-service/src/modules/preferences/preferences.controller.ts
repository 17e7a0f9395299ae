import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  NOTIFICATION_ROUTES,
  NotificationPreferencesResponse,
  UpdateNotificationPreferencesRequest,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  CommonErrors,
  CurrentPrincipal,
  actingSubject,
  type Principal,
} from '@cloudphone/shared';
import { PreferencesQuery } from './preferences-query.dto';
import { NotificationPreferences } from './preferences.service';

const refusals = {
  userRequired: () => CommonErrors.validationFailed('userId: required when a service names a user'),
  actingForOthers: () => CommonErrors.forbidden("Only admins may read or change another user's preferences"),
};

@ApiCommonErrors()
@ApiTags('notifications')
@ApiBearerAuth()
@ApiKeyScope('notifications')
@Controller()
export class PreferencesController {
  constructor(private readonly preferences: NotificationPreferences) {}

  @Get(NOTIFICATION_ROUTES.preferences)
  @ApiOperation({ summary: 'Which channels each event type takes for the caller, and the email language' })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  view(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PreferencesQuery,
  ): Promise<NotificationPreferencesResponse> {
    return this.preferences.view(actingSubject(principal, query, refusals).userId);
  }

  @Post(NOTIFICATION_ROUTES.preferencesBatch)
  @HttpCode(200)
  @ApiOperation({ summary: 'Change channel choices and the email language, all or nothing' })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  @ApiErrorResponses({ 400: ['DUPLICATE_PREFERENCE'] })
  update(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PreferencesQuery,
    @Body() request: UpdateNotificationPreferencesRequest,
  ): Promise<NotificationPreferencesResponse> {
    return this.preferences.update(actingSubject(principal, query, refusals).userId, request);
  }
}
