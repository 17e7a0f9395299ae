/*
 * Invoice numbers: `INV-<YYYYMM of the invoiced month>-<n>`, n counted per month from 1 and written
 * with at least six digits. The counter is taken in the transaction that inserts the invoice (see
 * InvoicesRepository.nextNumber), so numbers of a month are consecutive with no gaps.
 */

const NUMBER = /^INV-(\d{4})(0[1-9]|1[0-2])-(\d{6,10})$/;
/** The counter is a Postgres integer. */
const MAX_SEQUENCE = 2_147_483_647;

/** The counter key of a period: `2026-12-01` → `202612`. */
export function numberCounterPeriod(periodStart: string): string {
  const match = /^(\d{4})-(0[1-9]|1[0-2])-01$/.exec(periodStart);
  if (!match) throw new Error(`Not a period start: ${periodStart}`);
  return `${match[1]}${match[2]}`;
}

/** `('2026-12-01', 1)` → `INV-202612-000001`. */
export function formatInvoiceNumber(periodStart: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_SEQUENCE) {
    throw new RangeError(`Invoice sequence must be 1 to ${MAX_SEQUENCE}, got ${sequence}`);
  }
  return `INV-${numberCounterPeriod(periodStart)}-${String(sequence).padStart(6, '0')}`;
}

/** The period and sequence of a number, or null when it is not one. */
export function parseInvoiceNumber(number: string): { period: string; sequence: number } | null {
  const match = NUMBER.exec(number);
  if (!match) return null;
  const sequence = Number(match[3]);
  if (sequence < 1 || sequence > MAX_SEQUENCE) return null;
  return { period: `${match[1]}-${match[2]}`, sequence };
}
