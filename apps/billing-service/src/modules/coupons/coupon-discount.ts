import type { CouponKind } from '@cloudphone/contracts';

/** Basis points in 100 %. */
const FULL_BP = 10_000n;

/** What decides a coupon's discount. */
export interface CouponDiscountTerms {
  kind: CouponKind;
  /** percentage: 1..10,000 basis points. */
  percentBp: number | null;
  /** fixed: minor units. */
  amountMinor: bigint | null;
}

/**
 * The discount of a coupon on `amountMinor`, exact in bigint (amounts go to 999,999,999,999 and a
 * float would round them): a percentage is rounded **down** to the minor unit, so the payer never
 * gets more than the advertised share; a fixed coupon gives its amount, but never more than the
 * amount paid (the payer then pays 0, never a negative sum). Always 0 ≤ discount ≤ amount.
 */
export function couponDiscount(terms: CouponDiscountTerms, amountMinor: bigint): bigint {
  if (amountMinor < 0n) throw new RangeError(`A payment amount cannot be negative (${amountMinor})`);
  if (terms.kind === 'percentage') {
    const bp = terms.percentBp;
    if (bp === null || !Number.isInteger(bp) || bp < 0 || bp > Number(FULL_BP))
      throw new RangeError(`A percentage coupon needs 0..10000 basis points (got ${bp})`);
    // amount ≥ 0, so bigint division (which truncates) is floor.
    return (amountMinor * BigInt(bp)) / FULL_BP;
  }
  const fixed = terms.amountMinor;
  if (fixed === null || fixed < 0n) throw new RangeError(`A fixed coupon needs an amount (got ${fixed})`);
  return fixed < amountMinor ? fixed : amountMinor;
}
