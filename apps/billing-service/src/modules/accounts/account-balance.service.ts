import { Injectable, Logger } from '@nestjs/common';
import {
  type BillingBalanceLowEventData,
  type BillingOverdueEventData,
  DOMAIN_EVENTS,
} from '@cloudphone/contracts';
import { EventPublisher, MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { BillingServiceConfig } from '../../config/billing-service.config';
import type { AccountSnapshot, AccountStatus } from './account-record';
import { AccountErrors } from './accounts.errors';
import { AccountsRepository } from './accounts.repository';
import { type BalanceTransition, balanceTransition } from './balance-transition';
import type { LedgerEntryKind } from './ledger-entry';
import { LedgerRepository } from './ledger.repository';

/** A change of balance to apply to a locked account. */
export interface BalanceChange {
  kind: Exclude<LedgerEntryKind, 'opening_balance'>;
  /** Signed minor units: negative for a charge. */
  amountMinor: bigint;
  usageId?: string;
  /** The charge a `service_charge` entry applies (modules/charges). */
  serviceChargeId?: string;
  /** The slice or refund a `usage_slice` entry applies (modules/usage, migration 0008). */
  usageSliceId?: string;
  reference?: string;
  createdBy?: string;
}

/** A change `planQuiet` checked: the account's balance and status right after it. */
export interface PlannedBalanceChange {
  account: AccountSnapshot;
  change: BalanceChange;
  balanceMinor: bigint;
  status: AccountStatus;
}

/** The rows `plannedWrites` gives a set statement: ledger entries and final balances. */
export interface PlannedBalanceWrites {
  charges: Array<{ accountId: string; amountMinor: bigint; balanceAfterMinor: bigint; usageId: string }>;
  balances: Array<{ accountId: string; balanceMinor: bigint; status: AccountStatus }>;
}

export interface AppliedBalanceChange {
  ledgerEntryId: string;
  balanceMinor: bigint;
  status: AccountStatus;
}

/**
 * The one way a balance changes: ledger entry, balance and status in the caller's transaction,
 * plus `billing.balance_low` / `billing.overdue` when the change crosses those lines. The caller
 * holds the account's row lock, so concurrent changes are applied one after another and each
 * crossing is announced exactly once.
 */
@Injectable()
export class AccountBalanceService {
  private readonly logger = new Logger(AccountBalanceService.name);
  private readonly crossings: Counter<'event'>;
  private readonly lowThresholdMinor: bigint;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly ledger: LedgerRepository,
    private readonly events: EventPublisher,
    config: BillingServiceConfig,
    metrics: MetricsService,
  ) {
    this.lowThresholdMinor = BigInt(config.lowBalanceThresholdMinor);
    this.crossings = metrics.counter({
      name: 'cloudphone_billing_threshold_crossings_total',
      help: 'Balance changes that crossed the low-balance threshold or made an account overdue',
      labelNames: ['event'],
    });
  }

  /**
   * Locks the user's account for the rest of the caller's transaction, opening a zero-balance one
   * first if the user has none (concurrent first uses both end up locking the one row).
   */
  lockAccount(account: { userId: string; tenantId: string; currency: string }): Promise<AccountSnapshot> {
    return this.accounts.lockOrCreate(account);
  }

  /**
   * Applies `change` to `account` (locked by the caller's transaction). Returns null, changing
   * nothing, when the ledger already holds the change (a top-up reference used before).
   */
  async apply(account: AccountSnapshot, change: BalanceChange): Promise<AppliedBalanceChange | null> {
    const transition = this.transition(account, change.amountMinor);
    const ledgerEntryId = await this.ledger.insertUnlessDuplicate({
      accountId: account.id,
      kind: change.kind,
      amountMinor: change.amountMinor,
      balanceAfterMinor: transition.balanceMinor,
      usageId: change.usageId ?? null,
      serviceChargeId: change.serviceChargeId ?? null,
      usageSliceId: change.usageSliceId ?? null,
      reference: change.reference ?? null,
      createdBy: change.createdBy ?? null,
    });
    if (ledgerEntryId === null) return null;
    await this.accounts.updateBalance(account.id, transition.balanceMinor, transition.status);

    if (transition.crossedLowThreshold) await this.announceLowBalance(account, transition.balanceMinor);
    if (transition.becameOverdue) await this.announceOverdue(account, transition.balanceMinor);
    if (transition.recovered) {
      this.logger.log({ msg: 'Account no longer overdue', userId: account.userId, kind: change.kind });
    }
    return { ledgerEntryId, balanceMinor: transition.balanceMinor, status: transition.status };
  }

  /**
   * Locks the accounts of `users` (distinct) in user id order, the order every batch takes them,
   * opening zero-balance ones in `currency` for users who have none.
   */
  lockAccounts(
    users: ReadonlyArray<{ userId: string; tenantId: string }>,
    currency: string,
  ): Promise<AccountSnapshot[]> {
    return this.accounts.lockOrCreateAll(users, currency);
  }

  /**
   * The balance each of `changes` leaves, applied in order to accounts the caller has locked, or
   * null when any of them crosses the low-balance threshold, makes an account overdue or brings one
   * back: those are announced, so they go one at a time through `apply`. Writes nothing.
   */
  planQuiet(
    changes: ReadonlyArray<{ account: AccountSnapshot; change: BalanceChange }>,
  ): PlannedBalanceChange[] | null {
    const current = new Map<string, { balanceMinor: bigint; status: AccountStatus }>();
    const planned: PlannedBalanceChange[] = [];
    for (const { account, change } of changes) {
      const transition = this.transition(current.get(account.id) ?? account, change.amountMinor);
      if (transition.crossedLowThreshold || transition.becameOverdue || transition.recovered) return null;
      current.set(account.id, transition);
      planned.push({ account, change, balanceMinor: transition.balanceMinor, status: transition.status });
    }
    return planned;
  }

  /**
   * What a set statement writes for usage charges `planQuiet` accepted, in the transaction that
   * holds the accounts' locks: each charge's ledger entry in order (`usageChargesInsertSql`) and
   * each account's final balance and status (`accountBalancesUpdateSql`).
   */
  plannedWrites(planned: readonly PlannedBalanceChange[]): PlannedBalanceWrites {
    const charges = planned.map(({ account, change, balanceMinor }) => {
      if (change.kind !== 'usage_charge' || !change.usageId) {
        throw new Error(`A planned ${change.kind} change is not a usage charge`);
      }
      return {
        accountId: account.id,
        amountMinor: change.amountMinor,
        balanceAfterMinor: balanceMinor,
        usageId: change.usageId,
      };
    });
    const finals = new Map(
      planned.map(({ account, balanceMinor, status }) => [account.id, { balanceMinor, status }]),
    );
    const balances = [...finals].map(([accountId, { balanceMinor, status }]) => ({
      accountId,
      balanceMinor,
      status,
    }));
    return { charges, balances };
  }

  /** Publishes `billing.overdue` for an account found negative but still active (overdue detection). */
  async announceOverdue(account: AccountSnapshot, balanceMinor: bigint): Promise<void> {
    const data: BillingOverdueEventData = {
      userId: account.userId,
      tenantId: account.tenantId,
      balanceMinor: balanceMinor.toString(),
      currency: account.currency,
    };
    await this.events.publish({
      type: DOMAIN_EVENTS.billingOverdue,
      aggregateId: accountAggregateId(account.userId),
      data,
    });
    this.crossings.inc({ event: 'overdue' });
    this.logger.log({ msg: 'Account overdue', userId: account.userId, balanceMinor: data.balanceMinor });
  }

  private transition(
    account: { balanceMinor: bigint; status: AccountStatus },
    amountMinor: bigint,
  ): BalanceTransition {
    try {
      return balanceTransition(account, amountMinor, this.lowThresholdMinor);
    } catch (error) {
      if (error instanceof RangeError) throw AccountErrors.balanceOutOfRange();
      throw error;
    }
  }

  private async announceLowBalance(account: AccountSnapshot, balanceMinor: bigint): Promise<void> {
    const data: BillingBalanceLowEventData = {
      userId: account.userId,
      tenantId: account.tenantId,
      balanceMinor: balanceMinor.toString(),
      thresholdMinor: this.lowThresholdMinor.toString(),
      currency: account.currency,
    };
    await this.events.publish({
      type: DOMAIN_EVENTS.billingBalanceLow,
      aggregateId: accountAggregateId(account.userId),
      data,
    });
    this.crossings.inc({ event: 'balance_low' });
  }
}

/** Account events are ordered per user; usage events have their own aggregate (see UsageService). */
function accountAggregateId(userId: string): string {
  return `account:${userId}`;
}
