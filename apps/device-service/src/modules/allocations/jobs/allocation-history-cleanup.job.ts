import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationHistory } from '../allocation-history.service';

/**
 * Daily cleanup: allocations ended more than ALLOCATION_HISTORY_RETENTION_DAYS ago move to
 * device_allocations_history (AllocationHistory.cleanUp).
 */
@Injectable()
export class AllocationHistoryCleanupJob {
  private readonly logger = new Logger(AllocationHistoryCleanupJob.name);

  constructor(private readonly history: AllocationHistory) {}

  @ClusterSafeCron('15 3 * * *', {
    name: 'allocation-history-cleanup',
    maxRunMs: 30 * 60_000,
    jitterMs: 5000,
  })
  async cleanUp({ signal }: CronRunContext): Promise<void> {
    const { archived } = await this.history.cleanUp(signal);
    this.logger.log({ msg: 'allocation history cleaned up', archived });
  }
}
