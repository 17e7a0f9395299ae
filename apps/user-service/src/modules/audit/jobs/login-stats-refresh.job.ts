import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { SecurityAuditRepository } from '../security-audit.repository';

/**
 * Every 5 minutes: recomputes the `login_stats_daily` view GET /auth/login-stats reads, so the
 * endpoint never aggregates the audit log itself. CONCURRENTLY: readers keep the old rows until
 * the new ones are in.
 */
@Injectable()
export class LoginStatsRefreshJob {
  private readonly logger = new Logger(LoginStatsRefreshJob.name);

  constructor(private readonly audit: SecurityAuditRepository) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'login-stats-refresh', maxRunMs: 120_000, jitterMs: 10_000 })
  async refresh(_context: CronRunContext): Promise<void> {
    const started = Date.now();
    await this.audit.refreshLoginStats();
    this.logger.log({ msg: 'login stats refreshed', durationMs: Date.now() - started });
  }
}
