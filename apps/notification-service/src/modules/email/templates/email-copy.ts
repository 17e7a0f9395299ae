/**
 * What one email says, as plain strings. The layout escapes every one of them for the HTML part, so
 * no wording or interpolated value can add markup.
 */
export interface EmailContent {
  subject: string;
  paragraphs: string[];
  /** The one thing to do, as a link (token emails). */
  action?: { label: string; url: string };
  /** Said after the action: how long the link works, what to do if it wasn't you. */
  closing?: string[];
}

/** A due amount and its date, or null when the invoice left nothing to pay. */
export type InvoiceDue = { amount: string; by: string } | null;

/**
 * One locale's wording of every dedicated email. Values arrive formatted for the locale (money,
 * times, months); a copy only puts them into sentences.
 */
export interface EmailCopy {
  greeting(displayName: string): string;
  signature: string;
  footer: string;
  verifyEmail(values: { link: string; expiresAt: string }): EmailContent;
  resetPassword(values: { link: string; expiresAt: string }): EmailContent;
  passwordChanged(): EmailContent;
  lockedOut(values: { until: string }): EmailContent;
  invoiceIssued(values: {
    number: string;
    month: string;
    charges: string;
    credits: string;
    closingBalance: string;
    due: InvoiceDue;
  }): EmailContent;
  /** `credited` differs from `charged` when a coupon applied; null when they are the same. */
  paymentSucceeded(values: { charged: string; credited: string | null; balance: string }): EmailContent;
  balanceLow(values: { balance: string; threshold: string }): EmailContent;
  /** Every other event: the inbox notification's title and body (written in English). */
  generic(values: { title: string; body: string }): EmailContent;
}
