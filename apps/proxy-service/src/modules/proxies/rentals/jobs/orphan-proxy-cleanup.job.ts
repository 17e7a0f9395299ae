import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { OrphanRentals } from '../orphan-rentals.service';

/**
 * The safety net behind the allocation and user events: ends rentals whose allocation has ended or
 * whose renter is gone, in case an event was lost or arrived before the rental committed.
 */
@Injectable()
export class OrphanProxyCleanupJob {
  private readonly logger = new Logger(OrphanProxyCleanupJob.name);

  constructor(private readonly orphans: OrphanRentals) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'orphan-proxy-cleanup', maxRunMs: 240_000, jitterMs: 10_000 })
  async clean({ signal }: CronRunContext): Promise<void> {
    const ended = await this.orphans.endOrphans(signal);
    if (ended.allocationEnded + ended.userGone > 0)
      this.logger.log({ msg: 'orphan proxy rentals ended', ...ended });
  }
}
