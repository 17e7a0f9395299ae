import { Injectable } from '@nestjs/common';
import { CacheService, TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../devices';
import { UsageReportDispatcher } from '../usage-reports';
import { quotaRestoreReport } from './allocation-usage-reports';
import { AllocationsRepository } from './allocations.repository';
import { inBatches } from './in-batches';

/**
 * State recovery (§6): a request that died between its claim and its activation (process killed,
 * connection lost) leaves a `pending` claim holding a device. Past ALLOCATION_CLAIM_TIMEOUT_MS it
 * belongs to nobody, and this gives the device and the quota back.
 */
@Injectable()
export class RecoverStaleClaimsUseCase {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly allocations: AllocationsRepository,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly cache: CacheService,
    private readonly config: DeviceServiceConfig,
  ) {}

  /**
   * Fails every claim left pending past the timeout (`CLAIM_ABANDONED`), frees its device and gives
   * back any quota it took — a restore of quota never taken only leaves a harmless marker, and
   * whether the dead request took it is unknown. A request that wakes up later cannot activate the
   * failed claim (activation is conditional on `pending`). In batches until none is left or `signal`
   * aborts; answers how many were recovered.
   */
  recover(signal: AbortSignal): Promise<number> {
    return inBatches(() => this.recoverBatch(), this.config.allocationJobBatchSize, signal);
  }

  private async recoverBatch(): Promise<number> {
    const { recovered, reports } = await this.transactions.run(async () => {
      const failed = await this.allocations.failStaleClaims(
        this.config.allocationClaimTimeoutMs,
        this.config.allocationJobBatchSize,
      );
      const stored = await this.dispatcher.store(failed.map(quotaRestoreReport));
      return { recovered: failed.length, reports: stored };
    });
    if (recovered > 0) {
      await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
      await this.dispatcher.deliver(reports);
    }
    return recovered;
  }
}
