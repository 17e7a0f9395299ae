import { Injectable } from '@nestjs/common';
import type { UsageRecordRequest } from '@cloudphone/contracts';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { AccountBalanceService, type AccountSnapshot, type BalanceChange } from '../accounts';
import { PricingService } from '../pricing';
import { type RecordedUsage, UsageEventsPublisher } from './usage-events.publisher';
import { billablePeriod } from './usage-period';
import { newUsageRecord, type UsageRecord } from './usage-record';
import { finalSettlement } from './usage-slicing';
import { RunningAllocationsService } from './running-allocations.service';
import { UsageSettlementRepository } from './usage-settlement.repository';

/** A batch item turned out to be recorded already, by a report that committed meanwhile. */
export class UsageRecordedMeanwhileError extends Error {
  constructor() {
    super('A usage of the batch was recorded meanwhile by another report');
  }
}

const NOT_SLICED = { slicedSeconds: 0, slicedMinor: 0n };

/**
 * The common case of usage reports, set-based, for a batch or a report alone: the accounts locked
 * in one statement and the meters in another, every item priced in memory, then the records, the
 * ledger entries, the final balances, the closed meters and the events written in one statement
 * (UsageSettlementRepository), whatever the batch's size. Each item is charged exactly what the
 * one-at-a-time path would charge, in the same (user, allocation) order.
 */
@Injectable()
export class UsageBatchRecorder {
  constructor(
    private readonly settlements: UsageSettlementRepository,
    private readonly running: RunningAllocationsService,
    private readonly balances: AccountBalanceService,
    private readonly pricing: PricingService,
    private readonly publisher: UsageEventsPublisher,
    private readonly config: BillingServiceConfig,
  ) {}

  /**
   * Records new items (none recorded yet, each with a billable period; in user then allocation
   * order) in the caller's transaction. Returns null, having written nothing (the locks stay held),
   * when an item must go the one-at-a-time way: slices to refund, or a balance crossing the
   * low-balance line, going overdue or recovering (those are announced). Throws
   * UsageRecordedMeanwhileError when a concurrent report recorded an item first: the caller's
   * transaction must then roll back.
   */
  async recordAll(items: readonly UsageRecordRequest[]): Promise<RecordedUsage[] | null> {
    const users = new Map(
      items.map((item) => [item.userId, { userId: item.userId, tenantId: item.tenantId }]),
    );
    const locked = await this.balances.lockAccounts([...users.values()], this.config.defaultCurrency);
    const accounts = new Map(locked.map((account) => [account.userId, account]));
    const meters = await this.running.lockSlicedAll(items.map((item) => item.allocationId));
    const records: UsageRecord[] = [];
    const changes: Array<{ account: AccountSnapshot; change: BalanceChange }> = [];
    for (const item of items) {
      const account = accounts.get(item.userId);
      if (!account) throw new Error(`Account of user ${item.userId} neither locked nor opened`);
      const period = billablePeriod(item);
      const plan = await this.pricing.planInForce(account.currency, period.startedAt);
      const amount = this.pricing.price(plan, item, item.billedSeconds);
      const sliced = meters.get(item.allocationId) ?? NOT_SLICED;
      const settlement = finalSettlement(amount, sliced.slicedMinor);
      if (settlement.refundMinor > 0n) return null;
      // The balance after it is known once the whole batch is planned (below).
      const record = newUsageRecord(item, period, {
        account,
        pricePlanId: plan.id,
        amountMinor: amount,
        sliced,
        balanceAfterMinor: 0n,
      });
      records.push(record);
      changes.push({
        account,
        change: { kind: 'usage_charge', amountMinor: -settlement.chargeMinor, usageId: record.id },
      });
    }
    const planned = this.balances.planQuiet(changes);
    if (!planned) return null;
    const recorded = records.map((record, index) => {
      record.balanceAfterMinor = planned[index].balanceMinor;
      return { record, tenantId: planned[index].account.tenantId, balanceMinor: planned[index].balanceMinor };
    });
    const events = this.publisher.prepareUsageRecorded(recorded);
    const inserted = await this.settlements.settleAll(records, this.balances.plannedWrites(planned), events);
    if (inserted !== records.length) throw new UsageRecordedMeanwhileError();
    await this.publisher.written();
    return recorded;
  }
}
