import { Injectable } from '@nestjs/common';
import { MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { inBatches } from '../in-batches';
import { SchedulerClock } from '../scheduler-clock';
import { QueueEventsPublisher } from './queue-events.publisher';
import { QueueRepository } from './queue.repository';
import { QueueServer } from './queue-server.service';

/** The queue's jobs: the serving safety net, expiry of long waits, and the stored positions. */
@Injectable()
export class QueueUpkeepUseCase {
  private readonly waiting: Gauge;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly queue: QueueRepository,
    private readonly server: QueueServer,
    private readonly publisher: QueueEventsPublisher,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
    metrics: MetricsService,
  ) {
    this.waiting = metrics.gauge({
      name: 'cloudphone_queue_waiting',
      help: 'Queue entries waiting for a device',
    });
  }

  /**
   * Entries a dead replica left `serving` wait again (their allocate key replays whatever that
   * replica did), then a serving pass runs, for wake-ups that were missed (another replica freed
   * the device, or a device was added).
   */
  async process(): Promise<number> {
    const now = await this.clock.now();
    await this.queue.releaseStale(new Date(now.getTime() - this.config.allocationClaimTimeoutMs));
    return this.server.serve();
  }

  /** Waiting entries past their maxWaitMinutes end as `expired`, with `queue.expired`. */
  expire(signal: AbortSignal): Promise<number> {
    const batch = this.config.allocationJobBatchSize;
    return inBatches(
      () =>
        this.transactions.run(async () => {
          const expired = await this.queue.expireDue(await this.clock.now(), batch);
          await this.publisher.expired(expired);
          return expired.length;
        }),
      batch,
      signal,
    );
  }

  /** Stores each waiting entry's place (lists show it without ranking the queue) and the gauge. */
  async refreshPositions(): Promise<number> {
    const waiting = await this.queue.refreshPositions(
      await this.clock.now(),
      this.config.queueAgingPerMinute,
    );
    this.waiting.set(waiting);
    return waiting;
  }
}
