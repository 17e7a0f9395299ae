import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationStatistics } from '../allocation-statistics.service';

/**
 * Hourly statistics: at each full hour, the snapshot of the hour that just ended
 * (AllocationStatistics.snapshotHour). Catches up a missed hour when the first replica starts.
 */
@Injectable()
export class AllocationStatsSnapshotJob {
  private readonly logger = new Logger(AllocationStatsSnapshotJob.name);

  constructor(private readonly statistics: AllocationStatistics) {}

  @ClusterSafeCron('0 * * * *', { name: 'allocation-stats-snapshot', maxRunMs: 120_000, catchUp: true })
  async snapshot({ scheduledAt }: CronRunContext): Promise<void> {
    const { stored, active } = await this.statistics.snapshotHour(scheduledAt);
    this.logger.log({
      msg: stored ? 'allocation statistics snapshot stored' : 'allocation statistics snapshot already stored',
      hourEnding: scheduledAt.toISOString(),
      active,
    });
  }
}
