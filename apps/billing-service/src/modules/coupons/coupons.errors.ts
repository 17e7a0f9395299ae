import { AppError, CommonErrors } from '@cloudphone/shared';
import type { CouponRefusal } from './coupon-eligibility';

/**
 * Refusals of coupons. A code that does not exist or is disabled is 404 COUPON_NOT_FOUND; every
 * other refusal is a 409 with a stable code, so a payment (and the checkout preview) can say why.
 */
export const CouponErrors = {
  notFound: (code: string) => new AppError('COUPON_NOT_FOUND', 404, `No coupon ${code}`, { code }),
  notFoundById: (id: string) => new AppError('COUPON_NOT_FOUND', 404, `No coupon ${id}`, { id }),
  codeTaken: (code: string) =>
    CommonErrors.conflict('COUPON_CODE_TAKEN', `Coupon code ${code} is already taken`, { code }),
  limitBelowCount: (maxRedemptions: number, redeemedCount: number) =>
    CommonErrors.conflict(
      'COUPON_LIMIT_BELOW_COUNT',
      `maxRedemptions ${maxRedemptions} is below the ${redeemedCount} uses already reserved or confirmed`,
      { maxRedemptions, redeemedCount },
    ),
  stillExpired: (code: string) =>
    CommonErrors.conflict(
      'COUPON_EXPIRED',
      `Coupon ${code} has expired; give it a later expiresAt (or null) to reactivate it`,
      { code },
    ),
  redemptionConflict: (reference: string, why: string) =>
    CommonErrors.conflict(
      'COUPON_REDEMPTION_CONFLICT',
      `Reference ${reference} already has a coupon redemption ${why}`,
      { reference },
    ),
};

/** The error a reservation is refused with, for a refusal found by `couponRefusal`. */
export function refusalError(
  refusal: CouponRefusal,
  code: string,
  details: { currency: string; couponCurrency: string | null; minAmountMinor: bigint },
): AppError {
  switch (refusal) {
    case 'COUPON_NOT_FOUND':
      return CouponErrors.notFound(code);
    case 'COUPON_NOT_STARTED':
      return CommonErrors.conflict(refusal, `Coupon ${code} is not valid yet`, { code });
    case 'COUPON_EXPIRED':
      return CommonErrors.conflict(refusal, `Coupon ${code} has expired`, { code });
    case 'COUPON_CURRENCY_MISMATCH':
      return CommonErrors.conflict(
        refusal,
        `Coupon ${code} is for payments in ${details.couponCurrency}, not ${details.currency}`,
        { code, couponCurrency: details.couponCurrency, currency: details.currency },
      );
    case 'COUPON_MINIMUM_AMOUNT':
      return CommonErrors.conflict(
        refusal,
        `Coupon ${code} applies to payments of at least ${details.minAmountMinor} minor units`,
        { code, minAmountMinor: details.minAmountMinor.toString(), currency: details.couponCurrency },
      );
    case 'COUPON_EXHAUSTED':
      return CommonErrors.conflict(refusal, `Coupon ${code} has no uses left`, { code });
    case 'COUPON_USER_LIMIT':
      return CommonErrors.conflict(refusal, `You have used coupon ${code} as often as it allows`, { code });
  }
}
