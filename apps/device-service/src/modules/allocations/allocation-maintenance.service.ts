import { Injectable } from '@nestjs/common';
import { type AllocationExpiringEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import { CacheService, EventPublisher, TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../devices';
import { UsageReportDispatcher } from '../usage-reports';
import { AllocationEndingService } from './allocation-endings.service';
import { AllocationStatsRepository, type PoolLoad } from './allocation-stats.repository';
import { AllocationsRepository } from './allocations.repository';
import { SchedulerClock } from './scheduler-clock';

const HOUR_MS = 3_600_000;

/**
 * The allocation jobs' work, each pass safe to run on two replicas at once: rows are taken with
 * SKIP LOCKED and changed by conditional statements, snapshots are unique per hour.
 */
@Injectable()
export class AllocationMaintenanceService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly allocations: AllocationsRepository,
    private readonly endings: AllocationEndingService,
    private readonly stats: AllocationStatsRepository,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly events: EventPublisher,
    private readonly cache: CacheService,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
  ) {}

  /** Rows one pass handles; a pass that handled this many may have left more. */
  get batchSize(): number {
    return this.config.allocationJobBatchSize;
  }

  /** Expires one batch of due allocations; returns how many. */
  async expireDue(): Promise<number> {
    return (await this.endings.expireDue(this.batchSize)).length;
  }

  /**
   * Keeps what billing charged for an allocation (from its `billing.usage_recorded` event) and
   * settles its billing report (billing has it, whatever happened to the HTTP answer), in the event
   * handler's transaction. False when the allocation is unknown here.
   */
  async recordCharge(charge: {
    allocationId: string;
    amountMinor: string;
    currency: string;
  }): Promise<boolean> {
    return this.allocations.recordCharge(charge.allocationId, charge.amountMinor, charge.currency);
  }

  /** Publishes `allocation.expiring` once per allocation and end time, for one batch; returns how many. */
  warnExpiring(): Promise<number> {
    return this.transactions.run(async () => {
      const now = await this.clock.now();
      const warned = await this.allocations.markExpiring(
        now,
        this.config.allocationExpiryWarningMinutes,
        this.config.allocationJobBatchSize,
      );
      await this.events.publish(
        warned.map((allocation) => {
          const data: AllocationExpiringEventData = {
            allocationId: allocation.id,
            deviceId: allocation.deviceId,
            userId: allocation.userId,
            tenantId: allocation.tenantId,
            expiresAt: allocation.expiresAt.toISOString(),
            minutesLeft: Math.max(0, Math.ceil((allocation.expiresAt.getTime() - now.getTime()) / 60_000)),
          };
          return { type: DOMAIN_EVENTS.allocationExpiring, aggregateId: allocation.id, data };
        }),
      );
      return warned.length;
    });
  }

  /**
   * Fails one batch of claims whose request died (pending past ALLOCATION_CLAIM_TIMEOUT_MS) and
   * gives back any quota they took: a restore of quota never taken only leaves a harmless marker.
   */
  async recoverStaleClaims(): Promise<number> {
    const { recovered, reports } = await this.transactions.run(async () => {
      const failed = await this.allocations.failStaleClaims(
        this.config.allocationClaimTimeoutMs,
        this.config.allocationJobBatchSize,
      );
      const stored = await this.dispatcher.store(
        failed.map((claim) => ({
          kind: 'quota_restore' as const,
          allocationId: claim.id,
          payload: { userId: claim.userId, allocationId: claim.id },
        })),
      );
      return { recovered: failed.length, reports: stored };
    });
    if (recovered > 0) {
      await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
      await this.dispatcher.deliver(reports);
    }
    return recovered;
  }

  /** Stores the snapshot of the hour ending at `hourEnd` (a tick at :00); false if one exists. */
  async snapshotHour(hourEnd: Date): Promise<{ stored: boolean; load: PoolLoad }> {
    const hourStart = new Date(Math.floor(hourEnd.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
    return this.transactions.run(async () => {
      const load = await this.stats.poolLoad();
      const activity = await this.stats.activity(hourStart, new Date(hourStart.getTime() + HOUR_MS));
      return { stored: await this.stats.insertSnapshot(hourStart, load, activity), load };
    });
  }

  /** The pool's load now (for the gauges). */
  poolLoad(): Promise<PoolLoad> {
    return this.stats.poolLoad();
  }

  /** Moves one batch of old ended allocations to history; returns how many moved. */
  archiveEnded(): Promise<number> {
    return this.transactions.run(() =>
      this.allocations.archiveEnded(
        this.config.allocationHistoryRetentionDays,
        this.config.allocationJobBatchSize,
      ),
    );
  }

  /** Deletes one batch of usage reports settled longer ago than the allocation retention. */
  trimSettledReports(): Promise<number> {
    return this.dispatcher.trimSettled(
      this.config.allocationHistoryRetentionDays,
      this.config.allocationJobBatchSize,
    );
  }
}
