import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CronJobsResponse, CronJobStatusResponse, CronManualRunResponse } from '@cloudphone/contracts';
import { AllowServiceTokens, RequireRoles } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ADMIN_ROLE, type Principal } from '../auth/principal';
import { ApiCommonErrors, ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { CronAdminService } from './cron-admin.service';

/** Operator view of this service's cluster-safe cron jobs; admins and other services only. */
@ApiCommonErrors()
@ApiTags('internal')
@ApiBearerAuth()
@RequireRoles(ADMIN_ROLE)
@AllowServiceTokens()
@Controller('internal/cron')
export class CronController {
  constructor(private readonly cron: CronAdminService) {}

  @Get()
  @ApiOperation({
    summary:
      'Jobs with schedule, next fire time, pause state and latest runs (with the instance that ran them)',
  })
  @ApiOkResponse({ type: CronJobsResponse })
  list(): Promise<CronJobsResponse> {
    return this.cron.describe();
  }

  @Post(':job/trigger')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run the job now on this instance, under its lock (409 CRON_JOB_RUNNING if a run is going)',
  })
  @ApiAcceptedResponse({ type: CronManualRunResponse })
  @ApiErrorResponses({
    404: ['CRON_JOB_NOT_FOUND'],
    409: ['CRON_JOB_RUNNING', 'CRON_JOB_PAUSED'],
    503: ['CRON_BACKEND_UNAVAILABLE', 'CRON_SHUTTING_DOWN'],
  })
  trigger(@Param('job') job: string, @CurrentPrincipal() principal: Principal) {
    return this.cron.trigger(job, describePrincipal(principal));
  }

  @Post(':job/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the job on every replica (kill switch kept in Redis)' })
  @ApiOkResponse({ type: CronJobStatusResponse })
  @ApiErrorResponses({ 404: ['CRON_JOB_NOT_FOUND'], 503: ['CRON_BACKEND_UNAVAILABLE'] })
  pause(@Param('job') job: string, @CurrentPrincipal() principal: Principal) {
    return this.cron.pause(job, describePrincipal(principal));
  }

  @Post(':job/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused job on every replica' })
  @ApiOkResponse({ type: CronJobStatusResponse })
  @ApiErrorResponses({ 404: ['CRON_JOB_NOT_FOUND'], 503: ['CRON_BACKEND_UNAVAILABLE'] })
  resume(@Param('job') job: string, @CurrentPrincipal() principal: Principal) {
    return this.cron.resume(job, describePrincipal(principal));
  }
}

function describePrincipal(principal: Principal): string {
  return principal.kind === 'service' ? `service:${principal.service}` : `user:${principal.userId}`;
}
