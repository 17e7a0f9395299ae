import { Injectable, Logger } from '@nestjs/common';
import {
  type UsageBatchItemResult,
  type UsageBatchRequest,
  type UsageBatchResponse,
  type UsageRecordRequest,
  type UsageRecordResponse,
} from '@cloudphone/contracts';
import { afterCommit, AppError, MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { AccountBalanceService } from '../accounts';
import { PricingService } from '../pricing';
import { billablePeriod } from './usage-period';
import { RunningAllocationsService } from './running-allocations.service';
import { UsageBatchRecorder, UsageRecordedMeanwhileError } from './usage-batch.recorder';
import { type RecordedUsage, UsageEventsPublisher } from './usage-events.publisher';
import { describesSameUsage, newUsageRecord, type UsageRecord } from './usage-record';
import { finalSettlement } from './usage-slicing';
import { UsageErrors } from './usage.errors';
import { UsageRepository } from './usage.repository';

/**
 * Records allocations' usage exactly once (unique allocation id) and charges the account in the
 * same transaction. A charge may take the balance negative: the usage already happened. An
 * allocation already charged in slices while it ran (RunningAllocationsService) is charged the
 * rest of its price, so slices and report add up to exactly the price of the billed seconds.
 */
@Injectable()
export class UsageService {
  private readonly logger = new Logger(UsageService.name);
  private readonly outcomes: Counter<'outcome'>;
  private readonly charged: Counter<'currency'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly usage: UsageRepository,
    private readonly running: RunningAllocationsService,
    private readonly balances: AccountBalanceService,
    private readonly pricing: PricingService,
    private readonly batch: UsageBatchRecorder,
    private readonly publisher: UsageEventsPublisher,
    private readonly config: BillingServiceConfig,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter({
      name: 'cloudphone_billing_usage_reports_total',
      help: 'Usage reports by outcome (recorded, duplicate, conflict, failed)',
      labelNames: ['outcome'],
    });
    this.charged = metrics.counter({
      name: 'cloudphone_billing_charged_minor_total',
      help: 'Minor units charged for usage',
      labelNames: ['currency'],
    });
  }

  /** Records and charges one allocation's usage; a resend answers the first result with `duplicate: true`. */
  async record(request: UsageRecordRequest): Promise<UsageRecordResponse> {
    const period = billablePeriod(request);
    // Resends are the common retry case: answer them without taking the account lock.
    const known = await this.usage.findByAllocationId(request.allocationId);
    const result = known ? this.replay(known, request, period) : await this.recordNew(request, period);
    this.outcomes.inc({ outcome: result.duplicate ? 'duplicate' : 'recorded' });
    return result;
  }

  /**
   * A report not recorded when it arrived: the set-based way (a batch of one, four round trips
   * fewer) unless it needs a refund or an announcement. One recorded meanwhile by a concurrent
   * report is answered as that report's resend.
   */
  private async recordNew(
    request: UsageRecordRequest,
    period: { startedAt: Date; endedAt: Date },
  ): Promise<UsageRecordResponse> {
    try {
      return await this.transactions.run(async () => {
        const recorded = await this.batch.recordAll([request]);
        return recorded ? this.noteRecorded(recorded[0]) : this.recordOnce(request, period);
      });
    } catch (error) {
      if (!(error instanceof UsageRecordedMeanwhileError)) throw error;
      return this.replayRecordedMeanwhile(request, period);
    }
  }

  /** A report another one recorded meanwhile (now committed), answered as that one's resend. */
  private async replayRecordedMeanwhile(
    request: UsageRecordRequest,
    period: { startedAt: Date; endedAt: Date },
  ): Promise<UsageRecordResponse> {
    const earlier = await this.usage.findByAllocationId(request.allocationId);
    if (!earlier) throw new Error(`Usage of allocation ${request.allocationId} neither inserted nor found`);
    return this.replay(earlier, request, period);
  }

  /**
   * Records a batch (a burst of releases device-service sends together), answered per item in
   * request order. Resends are answered from one look-up; the new items are recorded in one
   * transaction, in (user, allocation) order so that two batches lock the same accounts in the same
   * order: set-based (UsageBatchRecorder) when none needs announcing or refunding, else each
   * exactly as `record` would. If that fails, the transaction is rolled back whole and the new items
   * are recorded one by one, each in its own transaction, so one bad item never blocks or
   * half-records the others.
   */
  async recordBatch(request: UsageBatchRequest): Promise<UsageBatchResponse> {
    const results = new Array<UsageBatchItemResult>(request.items.length);
    const known = await this.usage.findByAllocationIds(request.items.map((item) => item.allocationId));
    const earlier = new Map(known.map((record) => [record.allocationId, record]));
    const fresh: Array<{ item: UsageRecordRequest; index: number }> = [];
    for (const [index, item] of request.items.entries()) {
      const record = earlier.get(item.allocationId);
      if (record) results[index] = await this.recordItem(item, () => this.answerResend(record, item));
      else if (!hasBillablePeriod(item))
        results[index] = await this.recordItem(item, () => this.record(item));
      else fresh.push({ item, index });
    }
    if (fresh.length === 0) return { results };
    fresh.sort(
      (a, b) =>
        a.item.userId.localeCompare(b.item.userId) || a.item.allocationId.localeCompare(b.item.allocationId),
    );
    try {
      await this.transactions.run(async () => {
        const recorded = await this.batch.recordAll(fresh.map(({ item }) => item));
        if (recorded) {
          for (const [position, { item, index }] of fresh.entries()) {
            const usage = await this.noteRecorded(recorded[position]);
            results[index] = { allocationId: item.allocationId, status: 'recorded', usage };
          }
          return;
        }
        for (const { item, index } of fresh) {
          const usage = await this.recordOnce(item, billablePeriod(item));
          results[index] = {
            allocationId: item.allocationId,
            status: usage.duplicate ? 'duplicate' : 'recorded',
            usage,
          };
        }
      });
      for (const { index } of fresh) this.outcomes.inc({ outcome: results[index].status });
    } catch (error) {
      // A resend racing its first send is routine (the item path answers it as a duplicate).
      if (!(error instanceof AppError) && !(error instanceof UsageRecordedMeanwhileError)) {
        this.logger.warn({
          msg: 'Usage batch failed as one transaction; recording item by item',
          err: error,
        });
      }
      for (const { item, index } of fresh)
        results[index] = await this.recordItem(item, () => this.record(item));
    }
    return { results };
  }

  /** One item's answer: its usage, or `failed` with the error's code (never throws). */
  private async recordItem(
    item: UsageRecordRequest,
    record: () => Promise<UsageRecordResponse> | UsageRecordResponse,
  ): Promise<UsageBatchItemResult> {
    try {
      const usage = await record();
      return { allocationId: item.allocationId, status: usage.duplicate ? 'duplicate' : 'recorded', usage };
    } catch (error) {
      if (error instanceof AppError) {
        if (error.code !== 'USAGE_CONFLICT') this.outcomes.inc({ outcome: 'failed' });
        return {
          allocationId: item.allocationId,
          status: 'failed',
          errorCode: error.code,
          errorMessage: error.message,
        };
      }
      this.outcomes.inc({ outcome: 'failed' });
      this.logger.error({ msg: 'Usage batch item failed', allocationId: item.allocationId, err: error });
      return {
        allocationId: item.allocationId,
        status: 'failed',
        errorCode: 'INTERNAL_ERROR',
        errorMessage: 'Internal error; send the item again later',
      };
    }
  }

  /** A resend of a recorded allocation: the first answer again (counted as a duplicate). */
  private answerResend(earlier: UsageRecord, request: UsageRecordRequest): UsageRecordResponse {
    const answer = this.replay(earlier, request, billablePeriod(request));
    this.outcomes.inc({ outcome: 'duplicate' });
    return answer;
  }

  private async recordOnce(
    request: UsageRecordRequest,
    period: { startedAt: Date; endedAt: Date },
  ): Promise<UsageRecordResponse> {
    const account = await this.balances.lockAccount({
      userId: request.userId,
      tenantId: request.tenantId,
      currency: this.config.defaultCurrency,
    });
    const plan = await this.pricing.planInForce(account.currency, period.startedAt);
    const amount = this.pricing.price(plan, request, request.billedSeconds);
    // Locked until commit, after the account: no slice moves the meter until this report closes it.
    const sliced = await this.running.lockSliced(request.allocationId);
    const settlement = finalSettlement(amount, sliced.slicedMinor);
    const record = newUsageRecord(request, period, {
      account,
      pricePlanId: plan.id,
      amountMinor: amount,
      sliced,
      balanceAfterMinor: account.balanceMinor - settlement.chargeMinor + settlement.refundMinor,
    });
    if (!(await this.usage.insertUnlessRecorded(record))) {
      return this.replayRecordedMeanwhile(request, period);
    }
    const charged = await this.balances.apply(account, {
      kind: 'usage_charge',
      amountMinor: -settlement.chargeMinor,
      usageId: record.id,
    });
    if (!charged) throw new Error(`Ledger refused the charge of usage ${record.id}`);
    const applied = await this.running.close(account, charged, record, settlement.refundMinor);
    const recorded = { record, tenantId: account.tenantId, balanceMinor: applied.balanceMinor };
    await this.publisher.usageRecorded([recorded]);
    return this.noteRecorded(recorded);
  }

  /**
   * The answer to a usage just recorded; it is counted and logged once committed, so a batch rolled
   * back and redone item by item counts once.
   */
  private async noteRecorded({ record, balanceMinor }: RecordedUsage): Promise<UsageRecordResponse> {
    await afterCommit(() => {
      this.charged.inc({ currency: record.currency }, Number(record.amountMinor));
      this.logger.log({
        msg: 'Usage recorded',
        allocationId: record.allocationId,
        userId: record.userId,
        billedSeconds: record.billedSeconds,
        amountMinor: record.amountMinor.toString(),
        slicedMinor: record.slicedMinor.toString(),
        balanceMinor: balanceMinor.toString(),
        pricePlanId: record.pricePlanId,
      });
    });
    return {
      usageId: record.id,
      allocationId: record.allocationId,
      amountMinor: record.amountMinor.toString(),
      currency: record.currency,
      balanceMinor: balanceMinor.toString(),
      duplicate: false,
    };
  }

  private replay(
    earlier: UsageRecord,
    request: UsageRecordRequest,
    period: { startedAt: Date; endedAt: Date },
  ): UsageRecordResponse {
    if (!describesSameUsage(earlier, request, period)) {
      this.outcomes.inc({ outcome: 'conflict' });
      this.logger.warn({ msg: 'Conflicting usage report', allocationId: request.allocationId });
      throw UsageErrors.conflict(request.allocationId);
    }
    return {
      usageId: earlier.id,
      allocationId: earlier.allocationId,
      amountMinor: earlier.amountMinor.toString(),
      currency: earlier.currency,
      balanceMinor: earlier.balanceAfterMinor.toString(),
      duplicate: true,
    };
  }
}

/** Whether `billablePeriod` accepts the report (an invalid one is answered on its own, not in the batch). */
function hasBillablePeriod(request: UsageRecordRequest): boolean {
  try {
    billablePeriod(request);
    return true;
  } catch {
    return false;
  }
}
