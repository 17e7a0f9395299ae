import { Injectable, Logger } from '@nestjs/common';
import { MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { InvoiceEventsPublisher } from './invoice-events.publisher';
import { buildInvoiceLines } from './invoice-lines';
import { formatInvoiceNumber, numberCounterPeriod } from './invoice-number';
import { invoiceableMonths, periodName } from './invoice-period';
import type { InvoicedAccount, InvoiceRecord } from './invoice-record';
import { InvoiceStatementsRepository } from './invoice-statements.repository';
import { invoiceTotals, statusAtIssue } from './invoice-totals';
import { InvoicesRepository } from './invoices.repository';

/** Accounts read per candidate query; each is then invoiced in a transaction of its own. */
const BATCH = 200;

export interface InvoiceGenerationSummary {
  /** The months looked at, as period starts. */
  first: string;
  last: string;
  /** Accounts this run locked and checked (a racing run may have issued their invoices). */
  accounts: number;
  issued: number;
  /** Account-months left without an invoice because their totals did not add up. */
  mismatches: number;
}

/** Thrown inside an account's transaction to roll it back, number included. */
class InvoiceAlreadyIssuedError extends Error {}

/**
 * Issues the monthly invoices (the generate-monthly-invoices job). Exactly once per account-month
 * across any number of concurrent runs: each account is invoiced in its own transaction holding
 * the account's row lock (taken with SKIP LOCKED, so racing runs share the accounts out), which
 * re-reads the months still missing once it holds the lock; the unique (user, month, currency) key
 * is the last word. Numbers come from a per-month counter in the same transaction, taken in month
 * order (no deadlock between runs), so they are consecutive: a rolled-back transaction returns its
 * number.
 */
@Injectable()
export class InvoiceGeneratorService {
  private readonly logger = new Logger(InvoiceGeneratorService.name);
  private readonly issuedTotal: Counter<'status'>;
  private readonly mismatchesTotal: Counter;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly statements: InvoiceStatementsRepository,
    private readonly invoices: InvoicesRepository,
    private readonly events: InvoiceEventsPublisher,
    private readonly config: BillingServiceConfig,
    metrics: MetricsService,
  ) {
    this.issuedTotal = metrics.counter({
      name: 'cloudphone_billing_invoices_issued_total',
      help: 'Invoices issued, by status at issue (issued: an amount is due; paid: nothing was due)',
      labelNames: ['status'],
    });
    this.mismatchesTotal = metrics.counter({
      name: 'cloudphone_billing_invoice_mismatches_total',
      help: 'Account-months not invoiced because opening + credits - charges differed from the closing balance',
    });
  }

  /** Invoices every account-month of the last INVOICE_BACKFILL_MONTHS complete months still missing one. */
  async generate(now: Date = new Date(), signal?: AbortSignal): Promise<InvoiceGenerationSummary> {
    const { first, last } = invoiceableMonths(now, this.config.invoiceBackfillMonths);
    const summary: InvoiceGenerationSummary = { first, last, accounts: 0, issued: 0, mismatches: 0 };
    const busy: string[] = [];
    let after: string | null = null;
    for (;;) {
      signal?.throwIfAborted();
      const batch = await this.statements.pendingAccounts(first, last, after, BATCH);
      if (batch.length === 0) break;
      for (const accountId of batch) {
        signal?.throwIfAborted();
        if (!(await this.invoiceAccount(accountId, first, last, false, summary))) busy.push(accountId);
      }
      after = batch[batch.length - 1];
    }
    // Accounts another transaction held (a charge, a racing run): wait for their lock this time.
    // Nothing else is held while waiting, so this cannot deadlock.
    for (const accountId of busy) {
      signal?.throwIfAborted();
      await this.invoiceAccount(accountId, first, last, true, summary);
    }
    this.logger.log({ msg: 'Monthly invoices generated', ...summary, skippedBusy: busy.length });
    return summary;
  }

  /** False when the account was locked by someone else (and `wait` was false). */
  private async invoiceAccount(
    accountId: string,
    first: string,
    last: string,
    wait: boolean,
    summary: InvoiceGenerationSummary,
  ): Promise<boolean> {
    const issued: InvoiceRecord[] = [];
    let mismatches = 0;
    try {
      const locked = await this.transactions.run(async () => {
        const account = await this.statements.lockAccount(accountId, wait);
        if (!account) return false;
        for (const periodStart of await this.statements.pendingMonths(account.id, first, last)) {
          const invoice = await this.issueMonth(account, periodStart);
          if (invoice) issued.push(invoice);
          else mismatches += 1;
        }
        return true;
      });
      if (!locked) return wait;
    } catch (error) {
      if (!(error instanceof InvoiceAlreadyIssuedError)) throw error;
      // Rolled back whole; whoever issued it holds the rest, or the wait pass finds them.
      this.logger.warn({ msg: 'Invoice issued concurrently; account retried', accountId });
      return wait;
    }
    summary.accounts += 1;
    summary.issued += issued.length;
    summary.mismatches += mismatches;
    for (const invoice of issued) this.issuedTotal.inc({ status: invoice.status });
    return true;
  }

  /** Issues the account's invoice of one month, or returns null when its totals do not add up. */
  private async issueMonth(account: InvoicedAccount, periodStart: string): Promise<InvoiceRecord | null> {
    const statement = await this.statements.statement(account.id, periodStart);
    const lines = buildInvoiceLines(statement.groups);
    const result = invoiceTotals(
      statement.openingBalanceMinor,
      lines.map((line) => line.amountMinor),
      statement.closingBalanceMinor,
    );
    if (!result.ok) {
      this.mismatchesTotal.inc();
      this.logger.error({
        msg: 'Invoice totals do not add up; invoice not issued',
        userId: account.userId,
        period: periodName(periodStart),
        reason: result.reason,
      });
      return null;
    }
    const sequence = await this.invoices.nextNumber(numberCounterPeriod(periodStart));
    const invoice = await this.invoices.insertUnlessIssued(
      {
        accountId: account.id,
        userId: account.userId,
        tenantId: account.tenantId,
        periodStart,
        currency: account.currency,
        ...result.totals,
        status: statusAtIssue(result.totals.amountDueMinor),
        lineCount: lines.length,
      },
      formatInvoiceNumber(periodStart, sequence),
      this.config.invoiceDueDays,
    );
    // Cannot happen while the account's lock is held; if it does, roll back to return the number.
    if (!invoice) throw new InvoiceAlreadyIssuedError(`${account.userId} ${periodStart}`);
    await this.invoices.insertLines(invoice.id, lines);
    await this.events.issued(invoice);
    this.logger.debug({
      msg: 'Invoice issued',
      invoiceId: invoice.id,
      number: invoice.number,
      userId: invoice.userId,
      period: periodName(periodStart),
      amountDueMinor: invoice.amountDueMinor.toString(),
      status: invoice.status,
    });
    return invoice;
  }
}
