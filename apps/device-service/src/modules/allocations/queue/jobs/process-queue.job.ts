import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { QueueUpkeepUseCase } from '../queue-upkeep.use-case';

/** Every 10 s: the serving pass a missed wake-up would have run, after reviving stale `serving` entries. */
@Injectable()
export class ProcessQueueJob {
  private readonly logger = new Logger(ProcessQueueJob.name);

  constructor(private readonly upkeep: QueueUpkeepUseCase) {}

  @ClusterSafeCron('*/10 * * * * *', { name: 'process-queue', maxRunMs: 9_000 })
  async process(): Promise<void> {
    const fulfilled = await this.upkeep.process();
    if (fulfilled > 0) this.logger.log({ msg: 'queue entries fulfilled by the safety net', fulfilled });
  }
}
