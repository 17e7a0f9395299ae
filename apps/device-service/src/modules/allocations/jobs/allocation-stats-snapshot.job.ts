import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationMaintenanceService } from '../allocation-maintenance.service';
import { poolTotals } from '../allocation-stats.repository';

/**
 * Hourly statistics (§5): at each full hour, one row in allocation_stats_snapshots for the hour
 * that just ended (allocations started, ended, seconds billed) with the pool's load at that moment.
 * Catches up a missed hour when the first replica starts; the hour is the row's key, so a second
 * run of one tick stores nothing.
 */
@Injectable()
export class AllocationStatsSnapshotJob {
  private readonly logger = new Logger(AllocationStatsSnapshotJob.name);

  constructor(private readonly maintenance: AllocationMaintenanceService) {}

  @ClusterSafeCron('0 * * * *', { name: 'allocation-stats-snapshot', maxRunMs: 120_000, catchUp: true })
  async snapshot({ scheduledAt }: CronRunContext): Promise<void> {
    const { stored, load } = await this.maintenance.snapshotHour(scheduledAt);
    this.logger.log({
      msg: stored ? 'allocation statistics snapshot stored' : 'allocation statistics snapshot already stored',
      hourEnding: scheduledAt.toISOString(),
      active: poolTotals(load).active,
    });
  }
}
