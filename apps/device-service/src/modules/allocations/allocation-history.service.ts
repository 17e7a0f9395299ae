import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AllocationHistoryRepository } from './allocation-history.repository';
import { inBatches } from './in-batches';

/**
 * Upkeep of ended allocations (§5): past ALLOCATION_HISTORY_RETENTION_DAYS they leave the live
 * table for device_allocations_history, which keeps the claim query's table small.
 */
@Injectable()
export class AllocationHistory {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly history: AllocationHistoryRepository,
    private readonly config: DeviceServiceConfig,
  ) {}

  /**
   * Moves allocations ended longer ago than the retention to history (one statement per batch:
   * deleted here, inserted there). Batches run until none is left or `signal` aborts; answers how
   * many moved. (Settled usage reports are outbox rows: events-housekeeping trims them.)
   */
  async cleanUp(signal: AbortSignal): Promise<{ archived: number }> {
    const { allocationHistoryRetentionDays: retentionDays, allocationJobBatchSize: batchSize } = this.config;
    const archived = await inBatches(
      () => this.transactions.run(() => this.history.archiveEnded(retentionDays, batchSize)),
      batchSize,
      signal,
    );
    return { archived };
  }
}
