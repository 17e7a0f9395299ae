import { Injectable } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { QueueUpkeepUseCase } from '../queue-upkeep.use-case';

/** Stores every waiting entry's place in the queue and sets `cloudphone_queue_waiting`. */
@Injectable()
export class RefreshQueuePositionsJob {
  constructor(private readonly upkeep: QueueUpkeepUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'refresh-queue-positions', maxRunMs: 55_000, jitterMs: 3000 })
  async refresh(): Promise<void> {
    await this.upkeep.refreshPositions();
  }
}
