import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { UsageReportDispatcher } from '../usage-reports';
import { AllocationsRepository } from './allocations.repository';
import { inBatches } from './in-batches';

/**
 * Upkeep of ended allocations (§5): past ALLOCATION_HISTORY_RETENTION_DAYS they leave the live
 * table for device_allocations_history, which keeps the claim query's table small.
 */
@Injectable()
export class AllocationHistory {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly allocations: AllocationsRepository,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly config: DeviceServiceConfig,
  ) {}

  /**
   * Moves allocations ended longer ago than the retention to history (one statement per batch:
   * deleted here, inserted there), then deletes the usage reports settled as long ago (through
   * their module). Batches run until none is left or `signal` aborts; answers how many of each.
   */
  async cleanUp(signal: AbortSignal): Promise<{ archived: number; reportsTrimmed: number }> {
    const { allocationHistoryRetentionDays: retentionDays, allocationJobBatchSize: batchSize } = this.config;
    const archived = await inBatches(
      () => this.transactions.run(() => this.allocations.archiveEnded(retentionDays, batchSize)),
      batchSize,
      signal,
    );
    const reportsTrimmed = await inBatches(
      () => this.dispatcher.trimSettled(retentionDays, batchSize),
      batchSize,
      signal,
    );
    return { archived, reportsTrimmed };
  }
}
