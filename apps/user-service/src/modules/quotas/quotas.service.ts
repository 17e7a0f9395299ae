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
import { reportsToApplyTogether } from './usage-batch-plan';

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
    const amounts = usageAmounts(request);
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
      if (response.applied) this.noteUsageApplied(request);
      else this.changes.inc({ operation: 'usage', result: 'replayed' });
      return response;
    } catch (error) {
      this.changes.inc({ operation: 'usage', result: 'refused' });
      throw error;
    }
  }

  /**
   * Several usage reports in one call (device-service's concurrent allocations ride together), each
   * applied exactly as `reportUsage` alone; a refused item changes nothing, does not stop the others,
   * and answers what it would have answered alone. The first report of each user is tried in one
   * statement for all of them; the ones it did not apply (no room, a repeat, a user's later
   * reports) then go one by one, a few at a time.
   */
  async reportUsageBatch(request: QuotaUsageBatchRequest): Promise<QuotaUsageBatchResponse> {
    const appliedTogether = await this.applyTogether(request.items);
    const results = await mapInParallel(request.items, USAGE_BATCH_PARALLELISM, async (item, index) => {
      const together = appliedTogether.get(index);
      if (together)
        return { allocationId: item.allocationId, status: 'applied' as const, usage: together.usage };
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

  /** The batch's reports applied by one statement (`reportsToApplyTogether`), by index in the batch. */
  private async applyTogether(items: readonly QuotaUsageRequest[]): Promise<Map<number, QuotaState>> {
    const indexes = reportsToApplyTogether(items);
    const applied = new Map<number, QuotaState>();
    if (indexes.length < 2) return applied; // one report alone is the single call's statement
    const states = await this.quotas.applyRecordedUsages(
      indexes.map((index) => ({ ...items[index], amounts: usageAmounts(items[index]) })),
    );
    if (states === 'exists') return applied; // a repeat among them: each goes alone and tells
    for (const index of indexes) {
      const state = states.get(items[index].allocationId);
      if (!state) continue;
      applied.set(index, state);
      this.noteUsageApplied(items[index]);
    }
    return applied;
  }

  private noteUsageApplied({ userId, allocationId }: QuotaUsageRequest): void {
    this.changes.inc({ operation: 'usage', result: 'applied' });
    this.logger.log({ msg: 'quota usage applied', userId, allocationId });
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
    // One statement when there is an applied record to restore; the transaction tells the rest apart.
    const [restored] = await this.quotas.restoreApplied([request]);
    const response = restored
      ? appliedRestore(restored)
      : await this.transactions.run(async () => {
          // The quota row before the record, as every change of usage locks them (see reportDiagnosed).
          await this.quotas.lockQuotas([request.userId]);
          return this.restoreUnapplied(request);
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
   * Several restores (device-service batches them when releases come in bursts), answered per item
   * in request order. One statement locks the batch's users' quota rows in id order (as every
   * restore and report takes them, so two batches cannot deadlock), restores every applied record
   * of the batch and gives the sums back. What it did not restore (a repeat, a restore before its
   * report, an unknown user, another user's allocation) then goes one by one, in one transaction
   * under those users' locks; a refused item changes nothing and does not stop the others.
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
    // The applied records in one statement, outside any transaction; the rest (repeats, restores
    // before their report, strangers) one by one under their users' locks.
    const restored = new Map(
      (await this.quotas.restoreApplied(request.items)).map((row) => [row.allocationId, row]),
    );
    const leftovers: typeof order = [];
    for (const { item, index } of order) {
      const done = restored.get(item.allocationId);
      // The first item of an allocation the statement restored (a repeat in the batch is replayed).
      if (done?.userId !== item.userId) leftovers.push({ item, index });
      else {
        restored.delete(item.allocationId);
        results[index] = await this.restoreItem(item, () => Promise.resolve(appliedRestore(done)));
      }
    }
    if (leftovers.length === 0) return { results };
    await this.transactions.run(async () => {
      await this.quotas.lockQuotas([...new Set(leftovers.map(({ item }) => item.userId))]);
      for (const { item, index } of leftovers) {
        results[index] = await this.restoreItem(item, () => this.restoreUnapplied(item));
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

/** The answer to a restore `restoreApplied` did. */
function appliedRestore(restored: {
  allocationId: string;
  userId: string;
  usage: QuotaResources;
}): QuotaChangeResponse {
  const { allocationId, userId, usage } = restored;
  return { userId, allocationId, applied: true, usage };
}

/** What one report counts: one device of the allocation's spec. */
function usageAmounts(request: QuotaUsageRequest): QuotaResources {
  return { devices: 1, ...deviceSpecOf(request) };
}
