import type { InvoiceStatus } from '@cloudphone/contracts';

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

export interface InvoiceTotals {
  openingBalanceMinor: bigint;
  chargesMinor: bigint;
  creditsMinor: bigint;
  closingBalanceMinor: bigint;
  /** max(0, −closing): what the month left unpaid. */
  amountDueMinor: bigint;
}

export type InvoiceTotalsResult =
  { ok: true; totals: InvoiceTotals } | { ok: false; reason: string; computedClosingMinor: bigint };

/**
 * The totals of an invoice from its opening balance and its lines' signed amounts, checked against
 * the closing balance read from the ledger on its own: opening + credits − charges must equal it
 * exactly. A line of a charge is ≤ 0 and of a credit > 0 (lines never mix the two).
 */
export function invoiceTotals(
  openingBalanceMinor: bigint,
  lineAmounts: readonly bigint[],
  ledgerClosingMinor: bigint,
): InvoiceTotalsResult {
  let chargesMinor = 0n;
  let creditsMinor = 0n;
  for (const amount of lineAmounts) {
    if (amount > 0n) creditsMinor += amount;
    else chargesMinor -= amount;
  }
  const computedClosingMinor = openingBalanceMinor + creditsMinor - chargesMinor;
  if (computedClosingMinor !== ledgerClosingMinor) {
    return {
      ok: false,
      reason: `opening ${openingBalanceMinor} + credits ${creditsMinor} - charges ${chargesMinor} = ${computedClosingMinor}, but the ledger closes at ${ledgerClosingMinor}`,
      computedClosingMinor,
    };
  }
  const amountDueMinor = computedClosingMinor < 0n ? -computedClosingMinor : 0n;
  const totals = {
    openingBalanceMinor,
    chargesMinor,
    creditsMinor,
    closingBalanceMinor: computedClosingMinor,
    amountDueMinor,
  };
  const outOfRange = Object.entries(totals).find(([, value]) => value < BIGINT_MIN || value > BIGINT_MAX);
  if (outOfRange) {
    return {
      ok: false,
      reason: `${outOfRange[0]} ${outOfRange[1]} leaves the bigint range`,
      computedClosingMinor,
    };
  }
  return { ok: true, totals };
}

/** A statement that leaves nothing to pay is settled when issued. */
export function statusAtIssue(amountDueMinor: bigint): InvoiceStatus {
  return amountDueMinor > 0n ? 'issued' : 'paid';
}
