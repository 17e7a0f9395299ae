import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  IdParams,
  SMS_RECEIVE_ROUTES,
  SmsMessageResponse,
  SmsStatisticsResponse,
} from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  AllowServiceTokens,
  ApiCommonErrors,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  type ListQuery,
  ListQueryParam,
  type Page,
  type Principal,
  RequireRoles,
} from '@cloudphone/shared';
import { MESSAGES_LIST_QUERY } from './messages.list-query';
import { MessagesService } from './messages.service';

/**
 * Messages and codes. Registered after the numbers and providers controllers (SmsModule lists it
 * last), and with its static paths first, because `sms/:id` would take `sms/numbers` for an id.
 */
@ApiCommonErrors()
@ApiTags('sms messages')
@ApiBearerAuth()
@AllowServiceTokens()
@ApiKeyScope('sms')
@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get(SMS_RECEIVE_ROUTES.messages)
  @ApiOperation({ summary: "Received messages, newest first (a user's own; an admin or a service anyone's)" })
  @ApiListQuery(MESSAGES_LIST_QUERY)
  @ApiPaginatedResponse(SmsMessageResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(MESSAGES_LIST_QUERY) query: ListQuery,
  ): Promise<Page<SmsMessageResponse>> {
    return this.messages.list(query, principal, false);
  }

  @Get(SMS_RECEIVE_ROUTES.verificationCodes)
  @ApiOperation({ summary: 'The messages that carried a code, newest first' })
  @ApiListQuery(MESSAGES_LIST_QUERY)
  @ApiPaginatedResponse(SmsMessageResponse)
  codes(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(MESSAGES_LIST_QUERY) query: ListQuery,
  ): Promise<Page<SmsMessageResponse>> {
    return this.messages.list(query, principal, true);
  }

  @Get(SMS_RECEIVE_ROUTES.statistics)
  @RequireRoles(ADMIN_ROLE)
  @ApiOkResponse({ type: SmsStatisticsResponse })
  statistics(): Promise<SmsStatisticsResponse> {
    return this.messages.statistics();
  }

  @Get(SMS_RECEIVE_ROUTES.message)
  @ApiOkResponse({ type: SmsMessageResponse })
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<SmsMessageResponse> {
    return this.messages.get(params.id, principal);
  }
}
