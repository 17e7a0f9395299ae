import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { RunningAllocationsService } from '../running-allocations.service';

/**
 * Hourly: running allocations (device-service's list of active ones) are charged in slices of whole
 * METER_SLICE_MIN_SECONDS, so balances (and `billing.balance_low` / `billing.overdue`) reflect long
 * allocations before their release; the usage report then charges only the rest. Each slice takes
 * the account's lock and moves the meter with a position-checked INSERT under a unique constraint,
 * so a manual run overlapping a scheduled one charges no second twice.
 */
@Injectable()
export class MeterRunningAllocationsJob {
  private readonly logger = new Logger(MeterRunningAllocationsJob.name);

  constructor(private readonly running: RunningAllocationsService) {}

  @ClusterSafeCron('29 * * * *', {
    name: 'meter-running-allocations',
    maxRunMs: 20 * 60_000,
    jitterMs: 10_000,
  })
  async run({ signal }: CronRunContext): Promise<void> {
    const run = await this.running.sliceDue(new Date(), signal);
    this.logger.log({ msg: 'Running allocations metered', ...run });
  }
}
