import type { CouponKind, CouponRedemptionStatus, CouponResponse, CouponStatus } from '@cloudphone/contracts';

/** A row of `coupons`. Money as bigint; `code` in upper case. */
export interface CouponRecord {
  id: string;
  code: string;
  kind: CouponKind;
  percentBp: number | null;
  amountMinor: bigint | null;
  currency: string | null;
  maxRedemptions: number | null;
  perUserLimit: number;
  minAmountMinor: bigint;
  startsAt: Date;
  expiresAt: Date | null;
  status: CouponStatus;
  /** Reserved and confirmed uses: what counts toward maxRedemptions. */
  redeemedCount: number;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `coupon_redemptions`: one payment's use of a coupon. */
export interface CouponRedemptionRecord {
  id: string;
  couponId: string;
  userId: string;
  reference: string;
  amountMinor: bigint;
  discountMinor: bigint;
  currency: string;
  status: CouponRedemptionStatus;
  reservedAt: Date;
  confirmedAt: Date | null;
  releasedAt: Date | null;
}

/**
 * A coupon's definition as written by `CouponsRepository.insert` (the rest are column defaults);
 * `startsAt` null starts it at the database's now().
 */
export type NewCoupon = Omit<
  CouponRecord,
  'id' | 'status' | 'redeemedCount' | 'createdAt' | 'updatedAt' | 'startsAt'
> & { startsAt: Date | null };

/** What an admin's PATCH changes, already checked against the coupon (undefined: unchanged). */
export interface CouponChanges {
  status?: CouponStatus;
  maxRedemptions?: number | null;
  perUserLimit?: number;
  minAmountMinor?: bigint;
  startsAt?: Date;
  expiresAt?: Date | null;
}

export function couponResponse(coupon: CouponRecord): CouponResponse {
  return {
    id: coupon.id,
    code: coupon.code,
    kind: coupon.kind,
    percentBp: coupon.percentBp,
    amountMinor: coupon.amountMinor === null ? null : coupon.amountMinor.toString(),
    currency: coupon.currency,
    maxRedemptions: coupon.maxRedemptions,
    perUserLimit: coupon.perUserLimit,
    minAmountMinor: coupon.minAmountMinor.toString(),
    startsAt: coupon.startsAt.toISOString(),
    expiresAt: coupon.expiresAt === null ? null : coupon.expiresAt.toISOString(),
    status: coupon.status,
    redeemedCount: coupon.redeemedCount,
    createdAt: coupon.createdAt.toISOString(),
    updatedAt: coupon.updatedAt.toISOString(),
  };
}

/** Codes are case-insensitive; they are stored and looked up in upper case (ASCII only, by pattern). */
export function normalizeCouponCode(code: string): string {
  return code.toUpperCase();
}
