import { Injectable, Logger } from '@nestjs/common';
import type {
  BalanceCheckBatchRequest,
  BalanceCheckBatchResponse,
  BalanceCheckRequest,
  BalanceCheckResponse,
  BillingAccountResponse,
  TopUpRequest,
  TopUpResponse,
} from '@cloudphone/contracts';
import {
  assertMayActFor,
  type ListQuery,
  MetricsService,
  type Page,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { PricingService } from '../pricing';
import type { AccountRecord, AccountSnapshot } from './account-record';
import { AccountBalanceService } from './account-balance.service';
import { AccountErrors } from './accounts.errors';
import { AccountsRepository } from './accounts.repository';
import type { LedgerMismatch } from './ledger-entry';
import { LedgerRepository } from './ledger.repository';

/** The tenant of an account created by a call that names none (a top-up). */
const DEFAULT_TENANT = 'default';

/** An account as the list endpoint answers it: money as decimal text, since JSON has no bigint. */
export type ListedAccount = Omit<AccountRecord, 'balanceMinor'> & { balanceMinor: string };

/**
 * Accounts and balances. A user without an account row has a zero-balance account in the default
 * currency: reads answer with it without writing; the first change (usage or top-up) creates it.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);
  private readonly balanceChecks: Counter<'result'>;
  private readonly topUps: Counter<'outcome'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly accounts: AccountsRepository,
    private readonly ledger: LedgerRepository,
    private readonly balances: AccountBalanceService,
    private readonly pricing: PricingService,
    private readonly config: BillingServiceConfig,
    metrics: MetricsService,
  ) {
    this.balanceChecks = metrics.counter({
      name: 'cloudphone_billing_balance_checks_total',
      help: 'Balance checks by answer',
      labelNames: ['result'],
    });
    this.topUps = metrics.counter({
      name: 'cloudphone_billing_top_ups_total',
      help: 'Top-up requests by outcome (applied, duplicate, conflict)',
      labelNames: ['outcome'],
    });
  }

  async list(query: ListQuery): Promise<Page<ListedAccount>> {
    const page = await this.accounts.list(query);
    return {
      ...page,
      items: page.items.map((account) => ({ ...account, balanceMinor: account.balanceMinor.toString() })),
    };
  }

  /** A user's account; users may read only their own, admins and services anyone's. */
  async get(principal: Principal, userId: string): Promise<BillingAccountResponse> {
    assertMayActFor(principal, userId, AccountErrors.otherUsersAccount);
    const account = await this.accounts.findByUserId(userId);
    return toAccountResponse(account ?? this.unopenedAccount(userId));
  }

  /** Would the balance pay for this spec for this long at today's prices? Read-only. */
  async checkBalance(request: BalanceCheckRequest): Promise<BalanceCheckResponse> {
    const account =
      (await this.accounts.findByUserId(request.userId)) ?? this.unopenedAccount(request.userId);
    return this.balanceAnswer(account, request);
  }

  /**
   * Several checks in one call (device-service's concurrent allocations ride together), each
   * answered as `checkBalance` alone; the accounts are read in one statement.
   */
  async checkBalances(request: BalanceCheckBatchRequest): Promise<BalanceCheckBatchResponse> {
    const accounts = new Map(
      (await this.accounts.findByUserIds(request.items.map((item) => item.userId))).map((account) => [
        account.userId,
        account,
      ]),
    );
    const results: BalanceCheckResponse[] = [];
    for (const item of request.items) {
      results.push(
        await this.balanceAnswer(accounts.get(item.userId) ?? this.unopenedAccount(item.userId), item),
      );
    }
    return { results };
  }

  private async balanceAnswer(
    account: AccountSnapshot,
    request: BalanceCheckRequest,
  ): Promise<BalanceCheckResponse> {
    const plan = await this.pricing.planInForce(account.currency, null);
    const required = this.pricing.price(plan, request, request.durationSeconds);
    const sufficient = account.status !== 'closed' && account.balanceMinor >= required;
    this.balanceChecks.inc({ result: sufficient ? 'sufficient' : 'insufficient' });
    return {
      sufficient,
      balanceMinor: account.balanceMinor.toString(),
      requiredMinor: required.toString(),
      currency: account.currency,
    };
  }

  /**
   * Credits `amountMinor` once per `reference`: a resend answers the first result with
   * `duplicate: true`; the reference reused for another user or amount is a 409 TOP_UP_CONFLICT.
   */
  async topUp(userId: string, request: TopUpRequest, adminId: string): Promise<TopUpResponse> {
    const amount = BigInt(request.amountMinor);
    const result = await this.transactions.run(async () => {
      const account = await this.accounts.lockOrCreate({
        userId,
        tenantId: DEFAULT_TENANT,
        currency: this.config.defaultCurrency,
      });
      const applied = await this.balances.apply(account, {
        kind: 'top_up',
        amountMinor: amount,
        reference: request.reference,
        createdBy: adminId,
      });
      if (applied) {
        return {
          account,
          ledgerEntryId: applied.ledgerEntryId,
          balanceMinor: applied.balanceMinor,
          duplicate: false,
        };
      }
      // The reference is taken; its entry is committed (the unique index waited for it).
      const earlier = await this.ledger.findTopUp(request.reference);
      if (!earlier || earlier.accountId !== account.id || earlier.amountMinor !== amount) {
        this.topUps.inc({ outcome: 'conflict' });
        throw AccountErrors.topUpConflict(request.reference);
      }
      return { account, ledgerEntryId: earlier.id, balanceMinor: earlier.balanceAfterMinor, duplicate: true };
    });
    this.topUps.inc({ outcome: result.duplicate ? 'duplicate' : 'applied' });
    if (!result.duplicate) {
      this.logger.log({
        msg: 'Account topped up',
        userId,
        amountMinor: request.amountMinor,
        reference: request.reference,
        balanceMinor: result.balanceMinor.toString(),
        adminId,
      });
    }
    return {
      ledgerEntryId: result.ledgerEntryId,
      userId,
      reference: request.reference,
      amountMinor: amount.toString(),
      balanceMinor: result.balanceMinor.toString(),
      currency: result.account.currency,
      duplicate: result.duplicate,
    };
  }

  /**
   * Overdue detection (the overdue-detection job): flags up to `limit` accounts that are
   * negative but still active — announcing `billing.overdue` — and reactivates overdue accounts
   * that are no longer negative. Charges and top-ups already do this as they happen; this repairs
   * accounts changed by hand. Safe to run on several replicas at once (SKIP LOCKED).
   */
  async detectOverdue(limit = 500): Promise<{ flaggedOverdue: number; reactivated: number }> {
    return this.transactions.run(async () => {
      const misflagged = await this.accounts.lockMisflagged(limit);
      let flaggedOverdue = 0;
      for (const account of misflagged) {
        const overdue = account.balanceMinor < 0n;
        await this.accounts.updateStatus(account.id, overdue ? 'overdue' : 'active');
        if (overdue) {
          await this.balances.announceOverdue(account, account.balanceMinor);
          flaggedOverdue += 1;
        }
      }
      if (misflagged.length > 0) {
        this.logger.warn({
          msg: 'Repaired account statuses',
          flaggedOverdue,
          reactivated: misflagged.length - flaggedOverdue,
        });
      }
      return { flaggedOverdue, reactivated: misflagged.length - flaggedOverdue };
    });
  }

  /** Ledger reconciliation (the ledger-reconciliation job): accounts whose balance is not their ledger's sum. */
  async findLedgerMismatches(limit = 100): Promise<LedgerMismatch[]> {
    const mismatches = await this.ledger.findMismatches(limit);
    if (mismatches.length > 0) this.logger.error({ msg: 'Balances differ from their ledger', mismatches });
    return mismatches;
  }

  private unopenedAccount(userId: string): AccountSnapshot {
    return {
      id: '',
      userId,
      tenantId: DEFAULT_TENANT,
      balanceMinor: 0n,
      currency: this.config.defaultCurrency,
      status: 'active',
    };
  }
}

function toAccountResponse(account: AccountSnapshot): BillingAccountResponse {
  return {
    userId: account.userId,
    tenantId: account.tenantId,
    balanceMinor: account.balanceMinor.toString(),
    currency: account.currency,
    status: account.status,
  };
}
