import {
  COUPON_AMOUNT_PATTERN,
  COUPON_CODE_PATTERN,
  CURRENCY_PATTERN,
  SERVICE_CHARGE_FIELD_LIMITS,
  SERVICE_CHARGE_REFERENCE_PATTERN,
} from '@cloudphone/contracts';
import { CommonErrors } from '@cloudphone/shared';
import { normalizeCouponCode } from './coupon-record';

/** What the payments module asks `CouponsService.reserve` for. */
export interface CouponReservationRequest {
  /** As the user typed it; case-insensitive. */
  code: string;
  userId: string;
  /** The payment's full amount (what the account is credited), integer minor units. */
  amountMinor: string | bigint;
  currency: string;
  /** The payment's idempotency key, `<kind>:<id>` (e.g. `payment:<uuid>`). */
  reference: string;
}

/** A reservation request checked and normalized (code upper case, user id lower case, amount bigint). */
export interface CheckedReservation {
  code: string;
  userId: string;
  amountMinor: bigint;
  currency: string;
  reference: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks a reservation from another module as the HTTP layer would check a body: the payments
 * module passes what its own request carried, and a malformed value must be a 400
 * VALIDATION_FAILED, not a database error (a 500) or a coupon silently not found.
 */
export function checkReservation(request: CouponReservationRequest): CheckedReservation {
  const problems: Array<{ field: string; reasons: string[] }> = [];
  const fail = (field: string, reason: string) => problems.push({ field, reasons: [reason] });
  const { code, userId, currency, reference } = request;
  const amount =
    typeof request.amountMinor === 'bigint' ? request.amountMinor.toString() : request.amountMinor;
  if (typeof code !== 'string' || !COUPON_CODE_PATTERN.test(code))
    fail('code', 'must be 3-40 letters, digits, _ or -, starting with a letter or digit');
  if (typeof userId !== 'string' || !UUID.test(userId)) fail('userId', 'must be a UUID');
  if (typeof amount !== 'string' || !COUPON_AMOUNT_PATTERN.test(amount))
    fail('amountMinor', 'must be an integer of minor units from 1 to 999999999999');
  if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency))
    fail('currency', 'must be a three-letter ISO 4217 code');
  if (
    typeof reference !== 'string' ||
    reference.length < SERVICE_CHARGE_FIELD_LIMITS.referenceMinLength ||
    reference.length > SERVICE_CHARGE_FIELD_LIMITS.referenceMaxLength ||
    !SERVICE_CHARGE_REFERENCE_PATTERN.test(reference)
  )
    fail('reference', 'must be <kind>:<id> of 3-200 characters, e.g. payment:<uuid>');
  if (problems.length > 0) {
    const summary = problems.map((problem) => `${problem.field}: ${problem.reasons[0]}`).join('; ');
    throw CommonErrors.validationFailed(summary, problems);
  }
  return {
    code: normalizeCouponCode(code),
    userId: userId.toLowerCase(),
    amountMinor: BigInt(amount),
    currency,
    reference,
  };
}

/** Whether `reference` is one `release`/`confirm` can have stored (anything else has no redemption). */
export function isRedemptionReference(reference: unknown): reference is string {
  return (
    typeof reference === 'string' &&
    reference.length >= SERVICE_CHARGE_FIELD_LIMITS.referenceMinLength &&
    reference.length <= SERVICE_CHARGE_FIELD_LIMITS.referenceMaxLength &&
    SERVICE_CHARGE_REFERENCE_PATTERN.test(reference)
  );
}
