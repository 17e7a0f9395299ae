import { Injectable, Logger } from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { consumerTopology } from './consumer-topology';
import type { DeadLetterPage, DeadLetterQueues, DeadLetterReplay } from './dead-letters';
import type { DeadLetterReplayRequest } from './dead-letters.dto';
import { EventTransport } from './event-transport';
import { EventsConfig } from './events.config';

/** Lists and replays the dead letters of this service's consumer queue, on whichever transport runs. */
@Injectable()
export class DeadLettersAdminService {
  private readonly logger = new Logger('DeadLettersAdmin');
  private readonly queues: DeadLetterQueues;

  constructor(
    private readonly transport: EventTransport,
    service: BaseServiceConfig,
    config: EventsConfig,
  ) {
    const { queue, deadLetterQueue } = consumerTopology(service.serviceName, config, []);
    this.queues = { queue, deadLetterQueue };
  }

  list(limit: number): Promise<DeadLetterPage> {
    return this.transport.peekDeadLetters(this.queues, limit);
  }

  async replay(request: DeadLetterReplayRequest, requestedBy: string): Promise<DeadLetterReplay> {
    const limit = request.limit ?? request.messageIds?.length ?? 100;
    const result = await this.transport.replayDeadLetters(this.queues, {
      limit,
      messageIds: request.messageIds,
    });
    this.logger.warn({
      msg: 'dead letters replayed',
      queue: result.queue,
      replayed: result.replayed.length,
      remaining: result.remaining,
      requestedBy,
    });
    return result;
  }
}
