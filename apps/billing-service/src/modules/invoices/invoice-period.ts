/*
 * Invoiced months, always in UTC. A period is named by its first day, `YYYY-MM-01` (the `date` the
 * database stores), and covers [that day 00:00Z, the next month's first day 00:00Z).
 */

/** A month is invoiced once it ended at least this long ago, so that a charge whose transaction
 * started before midnight and committed after it is already in the ledger. */
export const INVOICE_SETTLE_MS = 60 * 60 * 1000;

const PERIOD_START = /^(\d{4})-(\d{2})-01$/;
const PERIOD = /^([2-9]\d{3})-(0[1-9]|1[0-2])$/;

/** The first day of the month `months` after (or before, when negative) the month of `date`. */
export function monthStartOf(date: Date, months = 0): string {
  const start = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  return start.toISOString().slice(0, 10);
}

/** `2026-12-01` → the instant its month starts. */
export function periodStartInstant(periodStart: string): Date {
  const match = PERIOD_START.exec(periodStart);
  if (!match) throw new Error(`Not a period start: ${periodStart}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}

/** `2026-12-01` → `2027-01-01`. */
export function nextPeriodStart(periodStart: string): string {
  return monthStartOf(periodStartInstant(periodStart), 1);
}

/** `2026-12-01` → `2026-12` (how APIs and invoice numbers name the month). */
export function periodName(periodStart: string): string {
  periodStartInstant(periodStart);
  return periodStart.slice(0, 7);
}

/** `2026-12` → `2026-12-01`; null for anything that is not a month from 2000-01 to 9999-12. */
export function parsePeriod(period: string): string | null {
  return PERIOD.test(period) ? `${period}-01` : null;
}

/**
 * The months the generator looks at when it runs at `now`: the last `backfillMonths` complete
 * months that ended at least INVOICE_SETTLE_MS ago, oldest first (as first and last period start).
 */
export function invoiceableMonths(now: Date, backfillMonths: number): { first: string; last: string } {
  if (!Number.isInteger(backfillMonths) || backfillMonths < 1) {
    throw new RangeError(`backfillMonths must be a positive integer, got ${backfillMonths}`);
  }
  const settled = new Date(now.getTime() - INVOICE_SETTLE_MS);
  // The month containing `settled` has not ended yet; the one before it has, at least an hour ago.
  return { first: monthStartOf(settled, -backfillMonths), last: monthStartOf(settled, -1) };
}
