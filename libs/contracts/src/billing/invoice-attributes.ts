/** An invoice's state: `paid` when nothing was due or the account got back to ≥ 0 since. */
export const INVOICE_STATUSES = ['issued', 'paid', 'overdue'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** What an invoice line sums: usage, other services' charges, credits, anything else. */
export const INVOICE_LINE_KINDS = ['usage', 'service_charge', 'top_up', 'payment', 'adjustment'] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];

/** An invoiced month, `YYYY-MM` (UTC), from 2000-01 to 9999-12. */
export const INVOICE_PERIOD_PATTERN = /^([2-9]\d{3})-(0[1-9]|1[0-2])$/;
