import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { DeliveryMaintenance } from '../delivery-maintenance.service';

/**
 * Every five minutes: failed deliveries (a round's attempts ran out) whose retry time has come get
 * another round, until DELIVERY_RETRY_WINDOW_HOURS after their creation; older ones become dead
 * letters for an admin to replay. Rows are taken SKIP LOCKED, so a manual run beside the tick's
 * starts each round once.
 */
@Injectable()
export class RetryFailedDeliveriesJob {
  private readonly logger = new Logger('RetryFailedDeliveriesJob');

  constructor(private readonly maintenance: DeliveryMaintenance) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'retry-failed-deliveries', maxRunMs: 120_000, jitterMs: 10_000 })
  async run({ signal }: CronRunContext): Promise<void> {
    let retried = 0;
    for (;;) {
      signal.throwIfAborted();
      const batch = await this.maintenance.retryDueBatch();
      retried += batch;
      if (!DeliveryMaintenance.isFull(batch, 'retry')) break;
    }
    const expired = await this.maintenance.expireFailed();
    this.logger.log({ msg: 'failed deliveries retried', retried, expired });
  }
}
