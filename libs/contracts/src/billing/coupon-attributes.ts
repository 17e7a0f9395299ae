import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isServiceChargeTime } from './service-charge-request.dto';

/** How a coupon discounts: a share of the amount, or a fixed sum in one currency. */
export const COUPON_KINDS = ['percentage', 'fixed'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];

/** `expired` is set by the expire-coupons job once `expiresAt` has passed; admins set the other two. */
export const COUPON_STATUSES = ['active', 'disabled', 'expired'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

/** What an admin may set with `PATCH /billing/coupons/:id`. */
export const COUPON_SETTABLE_STATUSES = ['active', 'disabled'] as const;
export type CouponSettableStatus = (typeof COUPON_SETTABLE_STATUSES)[number];

/** A use of a coupon: `reserved` with its payment, then `confirmed` (paid) or `released` (not). */
export const COUPON_REDEMPTION_STATUSES = ['reserved', 'confirmed', 'released'] as const;
export type CouponRedemptionStatus = (typeof COUPON_REDEMPTION_STATUSES)[number];

/**
 * A coupon code as typed by a user: 3 to 40 ASCII letters, digits, `_` and `-`, starting with a
 * letter or digit. Codes are case-insensitive: billing stores and answers them in upper case.
 */
export const COUPON_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$/;

/** A positive amount of minor units, at most 999,999,999,999 (the top-ups' bound). */
export const COUPON_AMOUNT_PATTERN = /^[1-9]\d{0,11}$/;

/** The same bound, 0 allowed (a minimum amount of 0 means none). */
export const COUPON_MIN_AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})$/;

/** Numeric bounds of a coupon, so that absurd values are a 400 rather than a database error. */
export const COUPON_LIMITS = {
  /** A percentage in basis points: 1 (0.01 %) to 10,000 (100 %). */
  percentBpMin: 1,
  percentBpMax: 10_000,
  /** Total uses of one coupon (a Postgres integer). */
  maxRedemptionsMax: 1_000_000_000,
  perUserLimitMax: 1_000,
} as const;

/** A date-time with a zone from 2000 to 9999, as service charges accept. */
export function IsCouponTime(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCouponTime',
      validator: {
        validate: (value) => isServiceChargeTime(value),
        defaultMessage: () =>
          '$property must be an ISO-8601 date-time with a time zone, from the year 2000 to 9999',
      },
    },
    validationOptions,
  );
}
