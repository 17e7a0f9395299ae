import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowServiceTokens, RequireRoles } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ADMIN_ROLE, type Principal } from '../auth/principal';
import { CronAdminService } from './cron-admin.service';

/** Operator view of this service's cluster-safe cron jobs; admins and other services only. */
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
  list() {
    return this.cron.describe();
  }

  @Post(':job/trigger')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run the job now on this instance, under its lock (409 CRON_JOB_RUNNING if a run is going)',
  })
  trigger(@Param('job') job: string, @CurrentPrincipal() principal: Principal) {
    return this.cron.trigger(job, describePrincipal(principal));
  }

  @Post(':job/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the job on every replica (kill switch kept in Redis)' })
  pause(@Param('job') job: string, @CurrentPrincipal() principal: Principal) {
    return this.cron.pause(job, describePrincipal(principal));
  }

  @Post(':job/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused job on every replica' })
  resume(@Param('job') job: string, @CurrentPrincipal() principal: Principal) {
    return this.cron.resume(job, describePrincipal(principal));
  }
}

function describePrincipal(principal: Principal): string {
  return principal.kind === 'service' ? `service:${principal.service}` : `user:${principal.userId}`;
}
