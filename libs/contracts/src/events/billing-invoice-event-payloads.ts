import { IsIn, IsUUID, Matches } from 'class-validator';
import { INVOICE_STATUSES, type InvoiceStatus } from '../billing/invoice-attributes';
import { CURRENCY_PATTERN, MINOR_UNITS_PATTERN } from '../common/money';
import { IsEventTime } from './event-payload-fields';
import { UserEventData } from './event-payloads';

const MONEY = { message: '$property must be integer minor units as a decimal string' };
const CURRENCY = { message: '$property must be an ISO 4217 currency code' };
const NUMBER = { message: '$property must be an invoice number INV-YYYYMM-NNNNNN' };
const PERIOD = { message: '$property must be a month written YYYY-MM' };

/** Which invoice an event is about, whose, and what it leaves to pay. */
abstract class BillingInvoiceEventData extends UserEventData {
  @IsUUID()
  invoiceId!: string;

  @Matches(/^INV-\d{6}-\d{6,10}$/, NUMBER)
  number!: string;

  /** The invoiced month (UTC). */
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, PERIOD)
  period!: string;

  /** max(0, −closing balance): what the month left unpaid. */
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  amountDueMinor!: string;

  @Matches(CURRENCY_PATTERN, CURRENCY)
  currency!: string;

  @IsEventTime()
  dueAt!: string;
}

/**
 * `billing.invoice_issued` v1: a month's invoice was issued (once per account-month). `status` is
 * `paid` when nothing was due, else `issued`.
 */
export class BillingInvoiceIssuedEventData extends BillingInvoiceEventData {
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  openingBalanceMinor!: string;

  @Matches(MINOR_UNITS_PATTERN, MONEY)
  chargesMinor!: string;

  @Matches(MINOR_UNITS_PATTERN, MONEY)
  creditsMinor!: string;

  @Matches(MINOR_UNITS_PATTERN, MONEY)
  closingBalanceMinor!: string;

  @IsIn(INVOICE_STATUSES)
  status!: InvoiceStatus;

  @IsEventTime()
  issuedAt!: string;
}

/** `billing.invoice_overdue` v1: an invoice's amount is still due past `dueAt` and the account negative. */
export class BillingInvoiceOverdueEventData extends BillingInvoiceEventData {
  /** The account's balance when the invoice turned overdue. */
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  balanceMinor!: string;
}
