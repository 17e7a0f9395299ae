import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxRowResponse, OutboxRowsResponse, OutboxSummaryResponse } from '@cloudphone/contracts';
import { AllowServiceTokens, RequireRoles } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { actorOf } from '../auth/acting-for.policy';
import { ADMIN_ROLE, type Principal } from '../auth/principal';
import { ApiCommonErrors, ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { OutboxAdminService, type OutboxListParameters } from './outbox-admin.service';

/** Operator view of this service's outbox (events and HTTP deliveries); admins and other services only. */
@ApiCommonErrors()
@ApiTags('internal')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@AllowServiceTokens()
@Controller('internal/outbox')
export class OutboxAdminController {
  constructor(private readonly outbox: OutboxAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'Per destination: pending, failing and rejected rows, and the oldest pending age',
  })
  @ApiOkResponse({ type: OutboxSummaryResponse })
  summary(): Promise<OutboxSummaryResponse> {
    return this.outbox.summary();
  }

  @Get('messages')
  @ApiOperation({
    summary: 'Rows by state (pending, failing, rejected) with their last error; ?destination=&limit= (1-500)',
  })
  @ApiOkResponse({ type: OutboxRowsResponse })
  list(@Query() query: OutboxListParameters) {
    return this.outbox.list(query);
  }

  @Post('messages/:id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a pending or rejected row due now (404 OUTBOX_ROW_NOT_FOUND if sent or unknown)',
  })
  @ApiOkResponse({ type: OutboxRowResponse })
  @ApiErrorResponses({ 404: ['OUTBOX_ROW_NOT_FOUND'] })
  retry(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.outbox.retry(id, actorOf(principal));
  }
}
