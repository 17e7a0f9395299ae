import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationMaintenanceService } from '../allocation-maintenance.service';

/**
 * Publishes `allocation.expiring` for allocations ending within ALLOCATION_EXPIRY_WARNING_MINUTES,
 * once per allocation and end time (an extended allocation is warned again for its new end).
 */
@Injectable()
export class WarnExpiringAllocationsJob {
  private readonly logger = new Logger(WarnExpiringAllocationsJob.name);

  constructor(private readonly maintenance: AllocationMaintenanceService) {}

  @ClusterSafeCron('* * * * *', { name: 'warn-expiring-allocations', maxRunMs: 55_000, jitterMs: 2000 })
  async warn({ signal }: CronRunContext): Promise<void> {
    let warned = 0;
    for (;;) {
      const batch = await this.maintenance.warnExpiring();
      warned += batch;
      if (batch < this.maintenance.batchSize || signal.aborted) break;
    }
    if (warned > 0) this.logger.log({ msg: 'expiry warnings published', warned });
  }
}
