import type { InvoiceLineKind, InvoiceStatus } from '@cloudphone/contracts';

/** A row of `invoices`: one account's statement for one month (UTC). */
export interface InvoiceRecord {
  id: string;
  number: string;
  accountId: string;
  userId: string;
  tenantId: string;
  /** `YYYY-MM-01`. */
  periodStart: string;
  currency: string;
  openingBalanceMinor: bigint;
  chargesMinor: bigint;
  creditsMinor: bigint;
  closingBalanceMinor: bigint;
  amountDueMinor: bigint;
  status: InvoiceStatus;
  lineCount: number;
  dueAt: Date;
  issuedAt: Date;
  paidAt: Date | null;
  overdueAt: Date | null;
}

/** A row of `invoice_lines`. */
export interface InvoiceLineRecord {
  lineNo: number;
  kind: InvoiceLineKind;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  description: string;
  quantity: number;
  seconds: bigint | null;
  /** Signed: negative for charges. */
  amountMinor: bigint;
  reference: string | null;
}

/**
 * A month's ledger entries of one account summed per UTC day, ledger kind, service-charge source
 * and sign (credits apart from the rest), as the repository reads them.
 */
export interface LedgerDayGroup {
  ledgerKind: string;
  day: string;
  source: string | null;
  quantity: number;
  seconds: bigint | null;
  amountMinor: bigint;
  /** The entry's own reference when the group holds one entry. */
  reference: string | null;
}

/** The account an invoice is issued to, as locked by the generator. */
export interface InvoicedAccount {
  id: string;
  userId: string;
  tenantId: string;
  currency: string;
}

/** One account-month to invoice, with its ledger figures. */
export interface MonthStatement {
  periodStart: string;
  /** Sum of the account's entries before the month. */
  openingBalanceMinor: bigint;
  /** Sum of the account's entries before the next month, read independently of the groups. */
  closingBalanceMinor: bigint;
  groups: LedgerDayGroup[];
}
