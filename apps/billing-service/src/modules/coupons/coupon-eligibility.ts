import type { CouponRecord } from './coupon-record';

/** Why a coupon does not apply to a payment: the error code a reservation is refused with. */
export type CouponRefusal =
  | 'COUPON_NOT_FOUND'
  | 'COUPON_NOT_STARTED'
  | 'COUPON_EXPIRED'
  | 'COUPON_CURRENCY_MISMATCH'
  | 'COUPON_MINIMUM_AMOUNT'
  | 'COUPON_EXHAUSTED'
  | 'COUPON_USER_LIMIT';

/** The payment a coupon is checked against. */
export interface CouponUse {
  amountMinor: bigint;
  currency: string;
  /** The user's uses of this coupon that still count (reserved or confirmed). */
  userUses: number;
}

/**
 * Whether `coupon` applies to `use` at `now` (the database's clock), and if not, why. The same rules
 * for the read-only validation and for a reservation, which calls this under the coupon's row
 * lock so that the counts it sees are final. A disabled coupon is "not found": users learn nothing
 * about codes an admin switched off. Checked in a fixed order, so the answer is stable: the coupon
 * itself (exists, window), then the payment (currency, minimum), then the counts.
 */
export function couponRefusal(coupon: CouponRecord | null, use: CouponUse, now: Date): CouponRefusal | null {
  if (coupon === null || coupon.status === 'disabled') return 'COUPON_NOT_FOUND';
  if (coupon.status === 'expired' || (coupon.expiresAt !== null && coupon.expiresAt <= now))
    return 'COUPON_EXPIRED';
  if (coupon.startsAt > now) return 'COUPON_NOT_STARTED';
  if (coupon.currency !== null && coupon.currency !== use.currency) return 'COUPON_CURRENCY_MISMATCH';
  if (use.amountMinor < coupon.minAmountMinor) return 'COUPON_MINIMUM_AMOUNT';
  if (coupon.maxRedemptions !== null && coupon.redeemedCount >= coupon.maxRedemptions)
    return 'COUPON_EXHAUSTED';
  if (use.userUses >= coupon.perUserLimit) return 'COUPON_USER_LIMIT';
  return null;
}
