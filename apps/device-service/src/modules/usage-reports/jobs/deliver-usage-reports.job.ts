import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { UsageReportDispatcher } from '../usage-report.dispatcher';

const BATCH = 500;

/**
 * Resends quota and billing reports that could not be delivered when their change committed
 * (target down, breaker open, process crashed before sending), until each target has answered.
 */
@Injectable()
export class DeliverUsageReportsJob {
  private readonly logger = new Logger(DeliverUsageReportsJob.name);

  constructor(private readonly dispatcher: UsageReportDispatcher) {}

  @ClusterSafeCron('*/15 * * * * *', { name: 'deliver-usage-reports', maxRunMs: 120_000 })
  async deliver({ signal }: CronRunContext): Promise<void> {
    const total = { delivered: 0, deferred: 0, rejected: 0 };
    // Keep going while whole batches get through; stop at the first batch with nothing delivered.
    for (;;) {
      const summary = await this.dispatcher.deliverDue(BATCH);
      total.delivered += summary.delivered;
      total.deferred += summary.deferred;
      total.rejected += summary.rejected;
      const handled = summary.delivered + summary.deferred + summary.rejected;
      if (handled < BATCH || summary.delivered === 0 || signal.aborted) break;
    }
    if (total.delivered + total.deferred + total.rejected > 0) {
      this.logger.log({ msg: 'usage reports delivered', ...total });
    }
  }
}
