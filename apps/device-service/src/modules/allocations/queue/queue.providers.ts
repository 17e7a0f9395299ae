import { ExpireQueueEntriesJob } from './jobs/expire-queue-entries.job';
import { ProcessQueueJob } from './jobs/process-queue.job';
import { RefreshQueuePositionsJob } from './jobs/refresh-queue-positions.job';
import { QueueController } from './queue.controller';
import { QueueEventsPublisher } from './queue-events.publisher';
import { QueueRepository } from './queue.repository';
import { QueueServer } from './queue-server.service';
import { QueueUpkeepUseCase } from './queue-upkeep.use-case';
import { QueueUseCase } from './queue.use-case';

/**
 * The priority queue is part of the scheduler: entries become allocations through its allocate use
 * case, and its releases wake the queue. AllocationsModule registers these.
 */
export const QUEUE_CONTROLLERS = [QueueController];
export const QUEUE_PROVIDERS = [
  QueueRepository,
  QueueEventsPublisher,
  QueueUseCase,
  QueueServer,
  QueueUpkeepUseCase,
  ProcessQueueJob,
  ExpireQueueEntriesJob,
  RefreshQueuePositionsJob,
];
