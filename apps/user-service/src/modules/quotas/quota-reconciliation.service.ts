import { Injectable, Logger } from '@nestjs/common';
import type { QuotaResources } from '@cloudphone/contracts';
import {
  DependencyUnavailableError,
  DeviceAllocationsClient,
  MetricsService,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { UserServiceConfig } from '../../config/user-service.config';
import { DeviceReservationsClient } from '../../integrations/device-service';
import { QuotaReconciliationRepository, type StaleAppliedRecord } from './quota-reconciliation.repository';
import { QuotasService } from './quotas.service';

/** Users per device-service query (its batch limit). */
const USERS_PER_BATCH = 100;
/** Allocation ids a warning about unrecorded allocations lists, at most. */
const LOGGED_IDS = 10;

/**
 * - `orphaned_record`: an applied usage record whose allocation device-service no longer has live
 *   (its restore was lost); repaired by restoring it.
 * - `usage_mismatch`: stored usage differs from the sum of the user's applied records; repaired
 *   by setting it to the sum.
 * - `unrecorded_allocation`: a live allocation without an applied record (its report was lost or
 *   is still queued); counted only, since counting it now could put the user over a limit.
 */
export type QuotaDriftKind = 'orphaned_record' | 'usage_mismatch' | 'unrecorded_allocation';

export interface QuotaReconciliationOutcome {
  users: number;
  detected: Record<QuotaDriftKind, number>;
  repaired: Record<Exclude<QuotaDriftKind, 'unrecorded_allocation'>, number>;
}

/**
 * Compares quota usage with the allocations device-service has live, 100 users at a time, and
 * repairs what it can prove: usage back to the sum of the applied records, under the quota row's
 * lock, then orphaned records restored through QuotasService.restore (conditional on the record
 * still being applied, so a normal restore racing it cannot subtract twice). Records younger than
 * QUOTA_RECONCILIATION_GRACE_SECONDS are left alone, and they are read before device-service is
 * asked, so an allocation made after its answer can never look orphaned. When device-service
 * cannot answer the run stops there: nothing is guessed.
 */
@Injectable()
export class QuotaReconciliationService {
  private readonly logger = new Logger(QuotaReconciliationService.name);
  private readonly detectedDrift: Counter<'kind'>;
  private readonly repairedDrift: Counter<'kind'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: QuotaReconciliationRepository,
    private readonly quotas: QuotasService,
    private readonly allocations: DeviceAllocationsClient,
    private readonly reservations: DeviceReservationsClient,
    private readonly config: UserServiceConfig,
    metrics: MetricsService,
  ) {
    this.detectedDrift = metrics.counter({
      name: 'cloudphone_quota_drift_detected_total',
      help: 'Quota drift found by quota-reconciliation, by kind',
      labelNames: ['kind'],
    });
    this.repairedDrift = metrics.counter({
      name: 'cloudphone_quota_drift_repaired_total',
      help: 'Quota drift repaired by quota-reconciliation, by kind',
      labelNames: ['kind'],
    });
    for (const kind of ['orphaned_record', 'usage_mismatch', 'unrecorded_allocation'] as const)
      this.detectedDrift.inc({ kind }, 0);
    for (const kind of ['orphaned_record', 'usage_mismatch'] as const) this.repairedDrift.inc({ kind }, 0);
  }

  async reconcile(signal?: AbortSignal): Promise<QuotaReconciliationOutcome> {
    const outcome: QuotaReconciliationOutcome = {
      users: 0,
      detected: { orphaned_record: 0, usage_mismatch: 0, unrecorded_allocation: 0 },
      repaired: { orphaned_record: 0, usage_mismatch: 0 },
    };
    const failedUsers = new Set<string>();
    let after: string | null = null;
    for (;;) {
      signal?.throwIfAborted();
      const userIds = await this.repository.usersAfter(after, USERS_PER_BATCH);
      if (userIds.length === 0) break;
      after = userIds[userIds.length - 1];
      outcome.users += userIds.length;
      await this.reconcileBatch(userIds, outcome, failedUsers, signal);
    }
    if (failedUsers.size > 0) {
      // Logged per user already; failing the run makes it show in the cron history and alerts.
      throw new Error(`quota reconciliation failed for ${failedUsers.size} user(s)`);
    }
    return outcome;
  }

  private async reconcileBatch(
    userIds: string[],
    outcome: QuotaReconciliationOutcome,
    failedUsers: Set<string>,
    signal?: AbortSignal,
  ): Promise<void> {
    // Read first: whatever device-service answers afterwards is at least as recent as these.
    const stale = await this.repository.staleAppliedRecords(
      userIds,
      this.config.quotaReconciliationGraceSeconds,
    );
    const live = await this.askDeviceService(
      () => this.allocations.liveAllocationIds(userIds),
      userIds.length,
    );

    for (const userId of await this.repository.usageMismatches(userIds)) {
      signal?.throwIfAborted();
      await this.perUser(userId, failedUsers, async () => {
        if (await this.repairUsage(userId, outcome)) outcome.repaired.usage_mismatch++;
      });
    }

    for (const record of stale.filter((candidate) => !live.has(candidate.allocationId))) {
      signal?.throwIfAborted();
      if (failedUsers.has(record.userId)) continue;
      // A booked reservation holds quota under its id but is not a live allocation yet.
      const reserved = await this.askDeviceService(
        () => this.reservations.holdsQuota(record.allocationId, record.userId),
        1,
      );
      if (reserved) continue;
      await this.perUser(record.userId, failedUsers, () => this.restoreOrphan(record, outcome));
    }

    const liveIds = [...live];
    if (liveIds.length > 0) {
      const applied = await this.repository.appliedAmong(liveIds);
      const unrecorded = liveIds.filter((id) => !applied.has(id));
      if (unrecorded.length > 0) {
        outcome.detected.unrecorded_allocation += unrecorded.length;
        this.detectedDrift.inc({ kind: 'unrecorded_allocation' }, unrecorded.length);
        this.logger.warn({
          msg: 'live allocations without an applied quota record (not repaired)',
          count: unrecorded.length,
          allocationIds: unrecorded.slice(0, LOGGED_IDS),
        });
      }
    }
  }

  /** Usage back to the sum of the applied records, decided under the quota row's lock. */
  private async repairUsage(userId: string, outcome: QuotaReconciliationOutcome): Promise<boolean> {
    const result = await this.transactions.run(async () => {
      const before = await this.repository.lockUsage(userId);
      if (!before) return null;
      return { before, ...(await this.repository.repairUsage(userId)) };
    });
    // Gone, or a report or restore in flight made it look wrong: it matches under the lock.
    if (!result || sameResources(result.before, result.applied)) return false;
    outcome.detected.usage_mismatch++;
    this.detectedDrift.inc({ kind: 'usage_mismatch' });
    if (!result.repaired) {
      this.logger.error({
        msg: 'quota usage differs from its applied records, whose sum is over the limits: not repaired',
        userId,
        usage: result.before,
        applied: result.applied,
      });
      return false;
    }
    this.repairedDrift.inc({ kind: 'usage_mismatch' });
    this.logger.warn({ msg: 'quota usage repaired', userId, usage: result.before, applied: result.applied });
    return true;
  }

  private async restoreOrphan(
    record: StaleAppliedRecord,
    outcome: QuotaReconciliationOutcome,
  ): Promise<void> {
    const { userId, allocationId } = record;
    const answer = await this.quotas.restore({ userId, allocationId });
    // Not applied: device-service's own restore got there first; nothing was missing.
    if (!answer.applied) return;
    outcome.detected.orphaned_record++;
    outcome.repaired.orphaned_record++;
    this.detectedDrift.inc({ kind: 'orphaned_record' });
    this.repairedDrift.inc({ kind: 'orphaned_record' });
    this.logger.warn({
      msg: 'orphaned quota usage restored',
      userId,
      allocationId,
      appliedAt: record.appliedAt,
      usage: answer.usage,
    });
  }

  /** A repair of one user; a failure is logged and the run goes on with the other users. */
  private async perUser(userId: string, failedUsers: Set<string>, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      failedUsers.add(userId);
      this.logger.error({ msg: 'quota reconciliation of a user failed', userId, err: error });
    }
  }

  private async askDeviceService<T>(call: () => Promise<T>, users: number): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DependencyUnavailableError) {
        this.logger.warn({
          msg: 'device-service unavailable: quota reconciliation stops without changing anything more',
          users,
          reason: error.failure.outcome,
        });
      }
      throw error;
    }
  }
}

function sameResources(left: QuotaResources, right: QuotaResources): boolean {
  return (
    left.devices === right.devices &&
    left.cpuCores === right.cpuCores &&
    left.memoryMb === right.memoryMb &&
    left.storageGb === right.storageGb
  );
}
