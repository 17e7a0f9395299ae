import {
  type BillingInvoiceIssuedEventData,
  type BillingInvoiceOverdueEventData,
  DOMAIN_EVENTS,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatMoney, formatMonth, formatUtc } from './notification-text.formatters';

/**
 * `billing.invoice_issued` → "Invoice issued"; one per invoice (billing issues one per account-month).
 * `status` is `paid` when the month left nothing to pay.
 */
export const INVOICE_ISSUED_NOTIFICATION: EventNotificationRecipe<BillingInvoiceIssuedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.billingInvoiceIssued}:${data.invoiceId}`,
  text: (data) => {
    const money = (minor: string) => formatMoney(minor, data.currency);
    const summary =
      `Your invoice ${data.number} for ${formatMonth(data.period)} is ready: charges ` +
      `${money(data.chargesMinor)}, credits ${money(data.creditsMinor)}, closing balance ` +
      `${money(data.closingBalanceMinor)}.`;
    const due =
      data.status === 'paid'
        ? 'Nothing is due.'
        : `${money(data.amountDueMinor)} is due by ${formatUtc(data.dueAt)}: top up your balance to settle it.`;
    return { title: 'Invoice issued', body: `${summary} ${due}` };
  },
};

/** `billing.invoice_overdue` → "Invoice overdue"; one per invoice: an invoice turns overdue once. */
export const INVOICE_OVERDUE_NOTIFICATION: EventNotificationRecipe<BillingInvoiceOverdueEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.billingInvoiceOverdue}:${data.invoiceId}`,
  text: (data) => ({
    title: 'Invoice overdue',
    body:
      `Your invoice ${data.number} for ${formatMonth(data.period)} is overdue: ` +
      `${formatMoney(data.amountDueMinor, data.currency)} was due by ${formatUtc(data.dueAt)} and your ` +
      `balance is ${formatMoney(data.balanceMinor, data.currency)}. Top up your balance to settle it.`,
  }),
};
