import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationMaintenanceService } from '../allocation-maintenance.service';

/**
 * Daily cleanup (§5): allocations ended more than ALLOCATION_HISTORY_RETENTION_DAYS ago move to
 * device_allocations_history (one statement per batch: deleted here, inserted there), and usage
 * reports settled that long ago are deleted. Keeps the live table small for the claim query.
 */
@Injectable()
export class AllocationHistoryCleanupJob {
  private readonly logger = new Logger(AllocationHistoryCleanupJob.name);

  constructor(private readonly maintenance: AllocationMaintenanceService) {}

  @ClusterSafeCron('15 3 * * *', {
    name: 'allocation-history-cleanup',
    maxRunMs: 30 * 60_000,
    jitterMs: 5000,
  })
  async cleanUp({ signal }: CronRunContext): Promise<void> {
    const batch = this.maintenance.batchSize;
    let archived = 0;
    for (;;) {
      const moved = await this.maintenance.archiveEnded();
      archived += moved;
      if (moved < batch || signal.aborted) break;
    }
    let trimmed = 0;
    for (;;) {
      const deleted = await this.maintenance.trimSettledReports();
      trimmed += deleted;
      if (deleted < batch || signal.aborted) break;
    }
    this.logger.log({ msg: 'allocation history cleaned up', archived, reportsTrimmed: trimmed });
  }
}
