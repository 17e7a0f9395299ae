import { Injectable } from '@nestjs/common';
import {
  type BillingInvoiceIssuedEventData,
  type BillingInvoiceOverdueEventData,
  DOMAIN_EVENTS,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { InvoiceRecord } from './invoice-record';

/**
 * The invoices module's events, written to the outbox in the caller's transaction. Ordered per
 * invoice (`invoice:<id>`), not per account: an invoice event nobody consumes yet must not hold
 * back the account's `billing.overdue`, which releases devices.
 */
@Injectable()
export class InvoiceEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** `billing.invoice_issued`: once per account-month. */
  async issued(invoice: InvoiceRecord): Promise<void> {
    const data: BillingInvoiceIssuedEventData = {
      ...invoiceFields(invoice),
      openingBalanceMinor: invoice.openingBalanceMinor.toString(),
      chargesMinor: invoice.chargesMinor.toString(),
      creditsMinor: invoice.creditsMinor.toString(),
      closingBalanceMinor: invoice.closingBalanceMinor.toString(),
      status: invoice.status,
      issuedAt: invoice.issuedAt.toISOString(),
    };
    await this.events.publish({
      type: DOMAIN_EVENTS.billingInvoiceIssued,
      aggregateId: aggregateOf(invoice),
      data,
    });
  }

  /** `billing.invoice_overdue` for each invoice that just turned overdue. */
  async overdue(items: ReadonlyArray<{ invoice: InvoiceRecord; balanceMinor: string }>): Promise<void> {
    if (items.length === 0) return;
    await this.events.publish(
      items.map(({ invoice, balanceMinor }) => {
        const data: BillingInvoiceOverdueEventData = { ...invoiceFields(invoice), balanceMinor };
        return { type: DOMAIN_EVENTS.billingInvoiceOverdue, aggregateId: aggregateOf(invoice), data };
      }),
    );
  }
}

function aggregateOf(invoice: InvoiceRecord): string {
  return `invoice:${invoice.id}`;
}

function invoiceFields(invoice: InvoiceRecord) {
  return {
    userId: invoice.userId,
    tenantId: invoice.tenantId,
    invoiceId: invoice.id,
    number: invoice.number,
    period: invoice.periodStart.slice(0, 7),
    amountDueMinor: invoice.amountDueMinor.toString(),
    currency: invoice.currency,
    dueAt: invoice.dueAt.toISOString(),
  };
}
