import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { QueueUpkeepUseCase } from '../queue-upkeep.use-case';

/** Queue entries that waited their maxWaitMinutes end as `expired` (`queue.expired`). */
@Injectable()
export class ExpireQueueEntriesJob {
  private readonly logger = new Logger(ExpireQueueEntriesJob.name);

  constructor(private readonly upkeep: QueueUpkeepUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'expire-queue-entries', maxRunMs: 55_000, jitterMs: 2000 })
  async expire({ signal }: CronRunContext): Promise<void> {
    const expired = await this.upkeep.expire(signal);
    if (expired > 0) this.logger.log({ msg: 'queue entries expired', expired });
  }
}
