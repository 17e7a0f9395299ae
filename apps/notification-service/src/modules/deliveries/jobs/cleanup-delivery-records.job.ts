import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { DeliveryMaintenance } from '../delivery-maintenance.service';

/**
 * Daily: deletes delivered and dead delivery records settled more than
 * DELIVERY_RECORD_RETENTION_DAYS ago, in batches (SKIP LOCKED, so a manual run beside it is
 * harmless). Pending and failed records stay whatever their age: they are still being delivered.
 */
@Injectable()
export class CleanupDeliveryRecordsJob {
  private readonly logger = new Logger('CleanupDeliveryRecordsJob');

  constructor(private readonly maintenance: DeliveryMaintenance) {}

  @ClusterSafeCron('15 4 * * *', { name: 'cleanup-delivery-records', maxRunMs: 600_000, jitterMs: 30_000 })
  async run({ signal }: CronRunContext): Promise<void> {
    let deleted = 0;
    for (;;) {
      signal.throwIfAborted();
      const batch = await this.maintenance.deleteSettledBatch();
      deleted += batch;
      if (!DeliveryMaintenance.isFull(batch, 'cleanup')) break;
    }
    this.logger.log({ msg: 'settled delivery records deleted', deleted });
  }
}
