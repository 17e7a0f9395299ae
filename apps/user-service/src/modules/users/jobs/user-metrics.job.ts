import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { USER_STATUSES, USER_TIERS } from '@cloudphone/contracts';
import { UsersRepository } from '../users.repository';

/**
 * User metrics (§6): users per status and tier as gauges, refreshed once a minute by whichever
 * replica wins the tick (`cloudphone_cron_last_success_timestamp_seconds` tells which one).
 */
@Injectable()
export class UserMetricsJob {
  private readonly logger = new Logger('UserMetricsJob');
  private readonly usersGauge: Gauge<'status' | 'tier'>;

  constructor(
    private readonly users: UsersRepository,
    metrics: MetricsService,
  ) {
    this.usersGauge = metrics.gauge({
      name: 'cloudphone_users',
      help: 'Users by status and tier (user-metrics job)',
      labelNames: ['status', 'tier'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'user-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.users.countByStatusAndTier();
    signal.throwIfAborted();
    this.usersGauge.reset();
    for (const status of USER_STATUSES)
      for (const tier of USER_TIERS) this.usersGauge.set({ status, tier }, 0);
    for (const row of rows) this.usersGauge.set({ status: row.status, tier: row.tier }, row.count);
    this.logger.log({ msg: 'user metrics collected', users: rows.reduce((sum, row) => sum + row.count, 0) });
  }
}
