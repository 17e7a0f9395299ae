import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationMaintenanceService } from '../allocation-maintenance.service';

/**
 * Reclaims allocations past their end (§5 expiry): each is ended as `expired`, billed up to its
 * scheduled end (not to when this runs), its device freed, its quota and usage reported and
 * `allocation.expired` published. Two runners never expire one allocation twice (SKIP LOCKED and a
 * conditional update), so an overlapping manual trigger is harmless.
 */
@Injectable()
export class ExpireAllocationsJob {
  private readonly logger = new Logger(ExpireAllocationsJob.name);

  constructor(private readonly maintenance: AllocationMaintenanceService) {}

  @ClusterSafeCron('* * * * *', { name: 'expire-allocations', maxRunMs: 55_000, jitterMs: 1000 })
  async expire({ signal, scheduledAt }: CronRunContext): Promise<void> {
    let expired = 0;
    for (;;) {
      const batch = await this.maintenance.expireDue();
      expired += batch;
      if (batch < this.maintenance.batchSize || signal.aborted) break;
    }
    if (expired > 0)
      this.logger.log({ msg: 'allocations expired', expired, tick: scheduledAt.toISOString() });
  }
}
