import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationMaintenanceService } from '../allocation-maintenance.service';

/**
 * State recovery (§6): a device claimed by a request that then died (process killed between the
 * claim and its confirmation) stays `pending`; past ALLOCATION_CLAIM_TIMEOUT_MS this fails the
 * claim, frees the device and gives back any quota the claim took.
 */
@Injectable()
export class RecoverStaleClaimsJob {
  private readonly logger = new Logger(RecoverStaleClaimsJob.name);

  constructor(private readonly maintenance: AllocationMaintenanceService) {}

  @ClusterSafeCron('* * * * *', { name: 'recover-stale-claims', maxRunMs: 55_000, jitterMs: 3000 })
  async recover({ signal }: CronRunContext): Promise<void> {
    let recovered = 0;
    for (;;) {
      const batch = await this.maintenance.recoverStaleClaims();
      recovered += batch;
      if (batch < this.maintenance.batchSize || signal.aborted) break;
    }
    if (recovered > 0)
      this.logger.warn({ msg: 'abandoned claims failed and their quota restored', recovered });
  }
}
