import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AllocationStatistics } from '../allocation-statistics.service';

/**
 * Pool load gauges, once a minute on the replica that wins the tick: holders and rentable devices
 * per region, and allocations per status (AllocationStatistics.updateGauges).
 */
@Injectable()
export class AllocationMetricsJob {
  constructor(private readonly statistics: AllocationStatistics) {}

  @ClusterSafeCron('* * * * *', { name: 'allocation-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    await this.statistics.updateGauges(signal);
  }
}
