import type { CreateCouponRequest, UpdateCouponRequest } from '@cloudphone/contracts';
import { CommonErrors } from '@cloudphone/shared';
import { normalizeCouponCode, type CouponRecord, type NewCoupon } from './coupon-record';
import { CouponErrors } from './coupons.errors';

type Problem = { field: string; reasons: string[] };

/**
 * A new coupon from an admin's request whose fields the validation pipe has checked one by one;
 * this checks how they combine (400 VALIDATION_FAILED naming every problem). `now` judges the
 * expiry: a coupon created already expired is a mistake, not a coupon.
 */
export function newCouponFrom(request: CreateCouponRequest, createdBy: string | null, now: Date): NewCoupon {
  const problems: Problem[] = [];
  const fail = (field: string, reason: string) => problems.push({ field, reasons: [reason] });
  if (request.kind === 'percentage') {
    if (request.percentBp === undefined) fail('percentBp', 'is required for a percentage coupon');
    if (request.amountMinor !== undefined) fail('amountMinor', 'is only for fixed coupons');
  } else {
    if (request.amountMinor === undefined) fail('amountMinor', 'is required for a fixed coupon');
    if (request.currency === undefined) fail('currency', 'is required for a fixed coupon');
    if (request.percentBp !== undefined) fail('percentBp', 'is only for percentage coupons');
  }
  const minAmount = BigInt(request.minAmountMinor ?? '0');
  if (minAmount > 0n && request.currency === undefined)
    fail('currency', 'is required with a minAmountMinor above 0');
  const startsAt = request.startsAt === undefined ? null : new Date(request.startsAt);
  const expiresAt = request.expiresAt === undefined ? null : new Date(request.expiresAt);
  if (expiresAt !== null) {
    if (expiresAt <= now) fail('expiresAt', 'must be in the future');
    if (expiresAt <= (startsAt ?? now)) fail('expiresAt', 'must be after startsAt');
  }
  throwIfAny(problems);
  return {
    code: normalizeCouponCode(request.code),
    kind: request.kind,
    // Present for their kind: the checks above threw otherwise.
    percentBp: request.kind === 'percentage' ? (request.percentBp ?? null) : null,
    amountMinor:
      request.kind === 'fixed' && request.amountMinor !== undefined ? BigInt(request.amountMinor) : null,
    currency: request.currency ?? null,
    maxRedemptions: request.maxRedemptions ?? null,
    perUserLimit: request.perUserLimit ?? 1,
    minAmountMinor: minAmount,
    // null: the database's now() (see CouponsRepository.insert), the clock the window is judged by.
    startsAt,
    expiresAt,
    createdBy,
  };
}

/**
 * The coupon after an admin's PATCH, judged at `now` (the database clock of the transaction that
 * holds the coupon's lock). The total limit never goes below the uses already reserved or
 * confirmed (409 COUPON_LIMIT_BELOW_COUNT: those payments are under way or done). Moving the expiry
 * to the past expires an active coupon at once; moving an expired coupon's expiry to the future (or
 * removing it) makes it active again, unless the same request disables it.
 */
export function changedCoupon(coupon: CouponRecord, request: UpdateCouponRequest, now: Date): CouponRecord {
  const problems: Problem[] = [];
  const fail = (field: string, reason: string) => problems.push({ field, reasons: [reason] });
  if (Object.values(request).every((value) => value === undefined))
    fail(
      'body',
      'must change at least one of status, maxRedemptions, perUserLimit, minAmountMinor, startsAt, expiresAt',
    );
  const minAmountMinor =
    request.minAmountMinor === undefined ? coupon.minAmountMinor : BigInt(request.minAmountMinor);
  if (minAmountMinor > 0n && coupon.currency === null)
    fail('minAmountMinor', 'needs a coupon with a currency (this one applies to any currency)');
  const startsAt = request.startsAt === undefined ? coupon.startsAt : new Date(request.startsAt);
  const expiresAt =
    request.expiresAt === undefined
      ? coupon.expiresAt
      : request.expiresAt === null
        ? null
        : new Date(request.expiresAt);
  if (expiresAt !== null && expiresAt <= startsAt) fail('expiresAt', 'must be after startsAt');
  throwIfAny(problems);

  const maxRedemptions =
    request.maxRedemptions === undefined ? coupon.maxRedemptions : request.maxRedemptions;
  if (maxRedemptions !== null && maxRedemptions < coupon.redeemedCount)
    throw CouponErrors.limitBelowCount(maxRedemptions, coupon.redeemedCount);

  let status = request.status ?? coupon.status;
  const pastExpiry = expiresAt !== null && expiresAt <= now;
  if (status === 'expired' && !pastExpiry && request.expiresAt !== undefined) status = 'active';
  if (status === 'active' && pastExpiry) {
    if (request.status === 'active' && request.expiresAt === undefined)
      throw CouponErrors.stillExpired(coupon.code);
    status = 'expired';
  }
  return {
    ...coupon,
    status,
    maxRedemptions,
    perUserLimit: request.perUserLimit ?? coupon.perUserLimit,
    minAmountMinor,
    startsAt,
    expiresAt,
  };
}

function throwIfAny(problems: Problem[]): void {
  if (problems.length === 0) return;
  const summary = problems.map((problem) => `${problem.field}: ${problem.reasons.join(', ')}`).join('; ');
  throw CommonErrors.validationFailed(summary, problems);
}
