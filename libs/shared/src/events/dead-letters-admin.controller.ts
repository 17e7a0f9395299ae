import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadLetterPageResponse, DeadLetterReplayResponse, OPERATIONS_ROUTES } from '@cloudphone/contracts';
import { AllowServiceTokens, RequireRoles } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { actorOf } from '../auth/acting-for.policy';
import { ADMIN_ROLE, type Principal } from '../auth/principal';
import { ApiCommonErrors } from '../openapi/api-error-responses.decorator';
import { DeadLetterListQuery, DeadLetterReplayRequest } from './dead-letters.dto';
import { DeadLettersAdminService } from './dead-letters-admin.service';

/** Operator view of this service's dead-letter queue (events its handlers gave up on). */
@ApiCommonErrors()
@ApiTags('internal')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@AllowServiceTokens()
@Controller()
export class DeadLettersAdminController {
  constructor(private readonly deadLetters: DeadLettersAdminService) {}

  @Get(OPERATIONS_ROUTES.deadLetters)
  @ApiOperation({
    summary:
      'The first ?limit= (1-500, default 50) dead letters with their reason and last error, and the total; listed ones move to the back',
  })
  @ApiOkResponse({ type: DeadLetterPageResponse })
  list(@Query() query: DeadLetterListQuery): Promise<DeadLetterPageResponse> {
    return this.deadLetters.list(query.limit ?? 50);
  }

  @Post(OPERATIONS_ROUTES.deadLettersReplay)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the first `limit` dead letters (or those of `messageIds`) back to this service’s queue',
  })
  @ApiOkResponse({ type: DeadLetterReplayResponse })
  replay(
    @Body() request: DeadLetterReplayRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeadLetterReplayResponse> {
    return this.deadLetters.replay(request, actorOf(principal));
  }
}
