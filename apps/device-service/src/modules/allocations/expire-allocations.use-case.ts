import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AllocationEventsPublisher } from './allocation-events.publisher';
import { AllocationsRepository } from './allocations.repository';
import { EndAllocations } from './end-allocations.service';
import { inBatches } from './in-batches';
import { SchedulerClock } from './scheduler-clock';

/**
 * Expiry (§5): an allocation ends at `expiresAt` unless released first, and its user hears of it
 * ALLOCATION_EXPIRY_WARNING_MINUTES before. Both passes are safe on two replicas at once: rows are
 * taken with SKIP LOCKED and changed by conditional statements.
 */
@Injectable()
export class ExpireAllocationsUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly allocations: AllocationsRepository,
    private readonly endings: EndAllocations,
    private readonly publisher: AllocationEventsPublisher,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
  ) {}

  /**
   * Ends every allocation past its end as `expired`, billed up to its scheduled end (not to when
   * this runs, so a late job never overcharges), freeing its device and reporting its quota and
   * usage, with `allocation.expired`. One transaction per batch of ALLOCATION_JOB_BATCH_SIZE rows,
   * until none is left or `signal` aborts; answers how many expired.
   */
  expireDue(signal: AbortSignal): Promise<number> {
    const batchSize = this.config.allocationJobBatchSize;
    return inBatches(async () => (await this.endings.expireDue(batchSize)).length, batchSize, signal);
  }

  /**
   * Publishes `allocation.expiring` for allocations ending within the warning window, so their
   * users can extend or save their work. Once per allocation and end time (an extended allocation
   * is warned again for its new end), in batches until none is left or `signal` aborts.
   */
  warnExpiring(signal: AbortSignal): Promise<number> {
    return inBatches(() => this.warnBatch(), this.config.allocationJobBatchSize, signal);
  }

  private warnBatch(): Promise<number> {
    return this.transactions.run(async () => {
      const now = await this.clock.now();
      const warned = await this.allocations.markExpiring(
        now,
        this.config.allocationExpiryWarningMinutes,
        this.config.allocationJobBatchSize,
      );
      await this.publisher.expiring(warned, now);
      return warned.length;
    });
  }
}
