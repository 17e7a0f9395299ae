import { Injectable, Logger } from '@nestjs/common';
import {
  deviceSpecOf,
  type QuotaChangeResponse,
  type QuotaCheckRequest,
  type QuotaCheckResponse,
  type QuotaLimitsRequest,
  type QuotaResources,
  type QuotaRestoreBatchRequest,
  type QuotaRestoreBatchResponse,
  type QuotaRestoreItemResult,
  type QuotaRestoreRequest,
  type QuotaUsageBatchRequest,
  type QuotaUsageBatchResponse,
  type QuotaUsageItemResult,
  type QuotaUsageRequest,
  type UserQuotaResponse,
  type UserTier,
} from '@cloudphone/contracts';
import {
  AppError,
  assertMayActFor,
  mapInParallel,
  MetricsService,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { firstExceeded, limitsBelowUsage } from './quota-arithmetic';
import type { QuotaState } from './quota-state';
import { QuotaErrors } from './quotas.errors';
import { QuotasRepository } from './quotas.repository';

/** Reports of one batch applied at once: each holds a pooled connection while it runs. */
const USAGE_BATCH_PARALLELISM = 4;

/**
 * Users' quotas: read-only checks, usage reports and restores (idempotent per allocationId, each a
 * single conditional UPDATE in the transaction that writes the usage record), and admin limits.
 */
@Injectable()
export class QuotasService {
  private readonly logger = new Logger(QuotasService.name);
  private readonly changes: Counter<'operation' | 'result'>;
  private readonly checks: Counter<'result'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly quotas: QuotasRepository,
    metrics: MetricsService,
  ) {
    this.changes = metrics.counter({
      name: 'cloudphone_quota_changes_total',
      help: 'Quota usage reports and restores by outcome',
      labelNames: ['operation', 'result'],
    });
    this.checks = metrics.counter({
      name: 'cloudphone_quota_checks_total',
      help: 'Quota checks by answer',
      labelNames: ['result'],
    });
  }

  /** Would the request fit? Reads only; an active user is required. */
  async check(principal: Principal, request: QuotaCheckRequest): Promise<QuotaCheckResponse> {
    assertMayActFor(principal, request.userId, QuotaErrors.otherUsersQuota);
    const state = await this.quotas.findState(request.userId);
    assertActive(state, request.userId);
    const exceeded = firstExceeded(state.limits, state.usage, request);
    this.checks.inc({ result: exceeded ? 'exceeded' : 'allowed' });
    return exceeded
      ? { allowed: false, exceeded, limits: state.limits, usage: state.usage }
      : { allowed: true, limits: state.limits, usage: state.usage };
  }

  /**
   * Counts one allocation (one device) against the quota, once per allocationId. Concurrent
   * reports serialise on the quota row, so usage never passes a limit, and concurrent repeats of
   * one allocationId wait on its record and then answer `applied: false`.
   */
  async reportUsage(request: QuotaUsageRequest): Promise<QuotaChangeResponse> {
    const amounts: QuotaResources = { devices: 1, ...deviceSpecOf(request) };
    try {
      // One statement when the report fits; the transaction tells every other case apart.
      const applied = await this.quotas.applyRecordedUsage(request.allocationId, request.userId, amounts);
      const response =
        applied && applied !== 'exists'
          ? {
              userId: request.userId,
              allocationId: request.allocationId,
              applied: true,
              usage: applied.usage,
            }
          : await this.transactions.run(() => this.reportDiagnosed(request, amounts));
      this.changes.inc({ operation: 'usage', result: response.applied ? 'applied' : 'replayed' });
      if (response.applied) {
        this.logger.log({
          msg: 'quota usage applied',
          userId: request.userId,
          allocationId: request.allocationId,
        });
      }
      return response;
    } catch (error) {
      this.changes.inc({ operation: 'usage', result: 'refused' });
      throw error;
    }
  }

  /**
   * Several usage reports in one call (device-service's concurrent allocations ride together),
   * each applied exactly as `reportUsage` alone, a few at a time; a refused item changes nothing,
   * does not stop the others, and answers what it would have answered alone.
   */
  async reportUsageBatch(request: QuotaUsageBatchRequest): Promise<QuotaUsageBatchResponse> {
    const results = await mapInParallel(request.items, USAGE_BATCH_PARALLELISM, async (item) => {
      try {
        const answer = await this.reportUsage(item);
        const status: QuotaUsageItemResult['status'] = answer.applied ? 'applied' : 'replayed';
        return { allocationId: item.allocationId, status, usage: answer.usage };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return {
          allocationId: item.allocationId,
          status: 'failed' as const,
          errorStatus: error.httpStatus,
          errorCode: error.code,
          errorMessage: error.message,
          errorDetails: error.details,
        };
      }
    });
    return { results };
  }

  /**
   * A report the one-statement path did not apply: a replay, a first quota row, or a refusal. The
   * quota row is locked before the allocation's record is written, the order every change of usage
   * takes (the one-statement path, restores), so a report and a restore of one allocation never
   * deadlock; a refusal is named from the same locked row the answer describes.
   */
  private async reportDiagnosed(
    request: QuotaUsageRequest,
    amounts: QuotaResources,
  ): Promise<QuotaChangeResponse> {
    const { userId, allocationId } = request;
    await this.quotas.createFromTierDefaults(userId);
    const locked = await this.quotas.findStoredForUpdate(userId);
    const recorded = await this.quotas.insertAppliedRecord(allocationId, userId, amounts);
    if (recorded === 'unknown-user') throw QuotaErrors.userNotFound(userId);
    if (recorded === 'exists') return this.replayedReport(request, amounts);
    assertActive(locked, userId);
    const exceeded = firstExceeded(locked.limits, locked.usage, amounts);
    if (exceeded) throw QuotaErrors.exceeded(exceeded, locked, amounts);
    const state = await this.quotas.incrementWithinLimits(userId, amounts);
    if (!state) throw new Error(`quota of user ${userId} has room under lock but the increment failed`);
    return { userId, allocationId, applied: true, usage: state.usage };
  }

  /**
   * Gives back what an allocation's report took, exactly once. A restore for an allocation never
   * reported leaves a marker so that report, if it arrives later, is not counted.
   */
  async restore(request: QuotaRestoreRequest): Promise<QuotaChangeResponse> {
    const response = await this.transactions.run(async () => {
      // The quota row before the record, as every change of usage locks them (see reportDiagnosed).
      await this.quotas.lockQuotas([request.userId]);
      const [restored] = await this.quotas.restoreApplied([request]);
      return restored ? appliedRestore(restored) : this.restoreUnapplied(request);
    });
    this.noteRestore(response);
    return response;
  }

  /**
   * A restore whose allocation had no applied record (the quota row locked): a repeat, another
   * user's allocation, or a restore before its report, which leaves a marker so that report, if it
   * arrives later, is not counted.
   */
  private async restoreUnapplied({
    userId,
    allocationId,
  }: QuotaRestoreRequest): Promise<QuotaChangeResponse> {
    // Two rounds at most: the second one runs only when a report for this allocation committed
    // between our look-up and our marker insert (possible only before the user's first quota row).
    for (let round = 0; round < 2; round++) {
      const restored = await this.quotas.markRestored(allocationId, userId);
      if (restored) {
        const state = await this.quotas.decrement(userId, restored.amounts);
        return { userId, allocationId, applied: true, usage: state.usage };
      }
      const existing = await this.quotas.findRecord(allocationId);
      if (existing && existing.userId !== userId) throw QuotaErrors.allocationMismatch(allocationId);
      const state = await this.quotas.findState(userId);
      if (!state) throw QuotaErrors.userNotFound(userId);
      if (existing || (await this.quotas.insertRestoredMarker(allocationId, userId))) {
        return { userId, allocationId, applied: false, usage: state.usage };
      }
    }
    throw new Error(`restore of allocation ${allocationId} did not settle in two rounds`);
  }

  private noteRestore({ userId, allocationId, applied }: QuotaChangeResponse): void {
    this.changes.inc({ operation: 'restore', result: applied ? 'applied' : 'replayed' });
    if (applied) this.logger.log({ msg: 'quota usage restored', userId, allocationId });
  }

  /**
   * Several restores in one transaction (device-service batches them when releases come in
   * bursts), answered per item in request order. The quota rows of the batch's users are locked
   * first, in id order (as every restore batch and report takes them, so two batches cannot
   * deadlock), then one statement restores every applied record of the batch and gives the sums
   * back. What it did not restore (a repeat, a restore before its report, an unknown user, another
   * user's allocation) goes through `restore` one by one; a refused item changes nothing and does
   * not stop the others.
   */
  async restoreBatch(request: QuotaRestoreBatchRequest): Promise<QuotaRestoreBatchResponse> {
    const order = request.items
      .map((item, index) => ({ item, index }))
      .sort(
        (a, b) =>
          a.item.userId.localeCompare(b.item.userId) ||
          a.item.allocationId.localeCompare(b.item.allocationId) ||
          a.index - b.index,
      );
    const results = new Array<QuotaRestoreItemResult>(request.items.length);
    await this.transactions.run(async () => {
      await this.quotas.lockQuotas([...new Set(request.items.map((item) => item.userId))]);
      const restored = new Map(
        (await this.quotas.restoreApplied(request.items)).map((row) => [row.allocationId, row]),
      );
      for (const { item, index } of order) {
        const done = restored.get(item.allocationId);
        // The first item of an allocation the statement restored (a repeat in the batch is replayed).
        if (done?.userId === item.userId) restored.delete(item.allocationId);
        results[index] = await this.restoreItem(item, () =>
          done?.userId === item.userId ? Promise.resolve(appliedRestore(done)) : this.restoreUnapplied(item),
        );
      }
    });
    return { results };
  }

  /** One batch item's answer: restored, replayed, or `failed` with the refusal's code. */
  private async restoreItem(
    item: QuotaRestoreRequest,
    restore: () => Promise<QuotaChangeResponse>,
  ): Promise<QuotaRestoreItemResult> {
    try {
      const answer = await restore();
      this.noteRestore(answer);
      const status = answer.applied ? 'applied' : 'replayed';
      return { allocationId: item.allocationId, status, usage: answer.usage };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return {
        allocationId: item.allocationId,
        status: 'failed',
        errorCode: error.code,
        errorMessage: error.message,
      };
    }
  }

  /** A user's limits and usage: services, admins, or the user themself. */
  async get(principal: Principal, userId: string): Promise<UserQuotaResponse> {
    assertMayActFor(principal, userId, QuotaErrors.otherUsersQuota);
    const state = await this.quotas.findState(userId);
    if (!state) throw QuotaErrors.userNotFound(userId);
    return { userId, limits: state.limits, usage: state.usage };
  }

  /** Sets custom limits (admin); never below current usage. */
  async setLimits(userId: string, request: QuotaLimitsRequest): Promise<UserQuotaResponse> {
    const limits: QuotaResources = {
      devices: request.devices,
      cpuCores: request.cpuCores,
      memoryMb: request.memoryMb,
      storageGb: request.storageGb,
    };
    const state = await this.transactions.run(async () => {
      await this.quotas.createFromTierDefaults(userId);
      const locked = await this.quotas.findStoredForUpdate(userId);
      if (!locked) throw QuotaErrors.userNotFound(userId);
      const below = limitsBelowUsage(limits, locked.usage);
      if (below.length > 0) throw QuotaErrors.limitBelowUsage(below);
      return this.quotas.setLimits(userId, limits, true);
    });
    this.logger.log({ msg: 'quota limits set', userId, limits });
    return { userId, limits: state.limits, usage: state.usage };
  }

  /**
   * After a tier change (inside the caller's transaction): limits follow the new tier's defaults
   * unless an admin set custom ones. 409 LIMIT_BELOW_USAGE when the user already uses more.
   */
  async applyTierDefaults(userId: string, tier: UserTier): Promise<void> {
    const locked = await this.quotas.findStoredForUpdate(userId);
    // Without a row the quota is created from the (new) tier's defaults when first needed.
    if (!locked || locked.customLimits) return;
    const defaults = await this.quotas.tierDefaults(tier);
    const below = limitsBelowUsage(defaults, locked.usage);
    if (below.length > 0) throw QuotaErrors.limitBelowUsage(below);
    await this.quotas.setLimits(userId, defaults, false);
  }

  private async replayedReport(
    request: QuotaUsageRequest,
    amounts: QuotaResources,
  ): Promise<QuotaChangeResponse> {
    const record = await this.quotas.findRecord(request.allocationId);
    const sameReport =
      record !== null &&
      record.userId === request.userId &&
      // A restore that came first left a marker without amounts: the report is just late.
      (record.appliedAt === null || sameAmounts(record.amounts, amounts));
    if (!sameReport) throw QuotaErrors.allocationMismatch(request.allocationId);
    const state = await this.quotas.findState(request.userId);
    if (!state) throw QuotaErrors.userNotFound(request.userId);
    return { userId: request.userId, allocationId: request.allocationId, applied: false, usage: state.usage };
  }
}

function assertActive(state: QuotaState | null, userId: string): asserts state is QuotaState {
  if (!state || state.userStatus === 'deleted') throw QuotaErrors.userNotFound(userId);
  if (state.userStatus !== 'active') throw QuotaErrors.userSuspended(userId);
}

function sameAmounts(left: QuotaResources, right: QuotaResources): boolean {
  return (
    left.devices === right.devices &&
    left.cpuCores === right.cpuCores &&
    left.memoryMb === right.memoryMb &&
    left.storageGb === right.storageGb
  );
}

/** The answer to a restore `restoreApplied` did; a restored record whose user has no quota row is a defect. */
function appliedRestore(restored: {
  allocationId: string;
  userId: string;
  usage: QuotaResources | null;
}): QuotaChangeResponse {
  const { allocationId, userId, usage } = restored;
  if (!usage) throw new Error(`user_quotas has no row for user ${userId} holding an applied record`);
  return { userId, allocationId, applied: true, usage };
}
