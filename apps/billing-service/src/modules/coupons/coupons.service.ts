import { Injectable, Logger } from '@nestjs/common';
import type { CouponValidationResponse, ValidateCouponRequest } from '@cloudphone/contracts';
import {
  afterCommit,
  AppError,
  CommonErrors,
  MetricsService,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { couponDiscount } from './coupon-discount';
import { couponRefusal } from './coupon-eligibility';
import { normalizeCouponCode, type CouponRedemptionRecord } from './coupon-record';
import { CouponRedemptionsRepository } from './coupon-redemptions.repository';
import {
  checkReservation,
  isRedemptionReference,
  type CheckedReservation,
  type CouponReservationRequest,
} from './coupon-reservation';
import { CouponErrors, refusalError } from './coupons.errors';
import { CouponsRepository } from './coupons.repository';

/** Labels of `cloudphone_billing_coupon_redemptions_total{result}`. */
type RedemptionResult =
  | 'reserved'
  | 'duplicate'
  | 'confirmed'
  | 'released'
  | 'reclaimed'
  | 'reclaim_refused'
  | 'not_found'
  | 'not_started'
  | 'expired'
  | 'currency_mismatch'
  | 'minimum_amount'
  | 'exhausted'
  | 'user_limit'
  | 'conflict'
  | 'invalid';

/**
 * Coupon uses for the payments module: `reserve` when a payment is created, then `confirm` when it
 * succeeds or `release` when it fails or expires. Each runs in the caller's transaction when there
 * is one (so a reservation commits or rolls back with its payment) and in its own otherwise.
 *
 * Exactness: a reservation locks the coupon row first, then checks the window, the total count and
 * the user's count, and writes the redemption and the count + 1. Reservations of one coupon thus
 * run one at a time and each sees the uses committed before it; a reserved use counts at once.
 * The lock is held until the caller commits: keep the payment's transaction short (no calls to the
 * payment provider inside it), or every checkout with that coupon waits.
 */
@Injectable()
export class CouponsService {
  private readonly logger = new Logger(CouponsService.name);
  private readonly redemptions: Counter<'result'>;
  private readonly discounted: Counter<'currency'>;
  private readonly validations: Counter<'result'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly coupons: CouponsRepository,
    private readonly uses: CouponRedemptionsRepository,
    metrics: MetricsService,
  ) {
    this.redemptions = metrics.counter({
      name: 'cloudphone_billing_coupon_redemptions_total',
      help: 'Coupon reservations, confirmations and releases by result (refusals by their reason)',
      labelNames: ['result'],
    });
    this.discounted = metrics.counter({
      name: 'cloudphone_billing_coupon_discount_minor_total',
      help: 'Minor units of discount given by confirmed coupon redemptions, by currency',
      labelNames: ['currency'],
    });
    this.validations = metrics.counter({
      name: 'cloudphone_billing_coupon_validations_total',
      help: 'Checkout previews of coupons (POST /billing/coupons/validate) by result (valid, invalid)',
      labelNames: ['result'],
    });
  }

  /**
   * Reserves one use of a coupon for a payment and answers its discount. Idempotent per
   * `reference`: the same request again answers the first discount and takes no second use. Throws
   * 400 VALIDATION_FAILED, 404 COUPON_NOT_FOUND, or 409 COUPON_EXPIRED, COUPON_NOT_STARTED,
   * COUPON_EXHAUSTED, COUPON_USER_LIMIT, COUPON_MINIMUM_AMOUNT, COUPON_CURRENCY_MISMATCH or
   * COUPON_REDEMPTION_CONFLICT; a refusal writes nothing.
   */
  async reserve(request: CouponReservationRequest): Promise<{ discountMinor: string }> {
    let checked: CheckedReservation;
    try {
      checked = checkReservation(request);
    } catch (error) {
      this.redemptions.inc({ result: 'invalid' });
      throw error;
    }
    try {
      return await this.transactions.run(() => this.reserveChecked(checked));
    } catch (error) {
      if (error instanceof AppError) this.redemptions.inc({ result: resultOf(error.code) });
      throw error;
    }
  }

  /** The payment succeeded: its reserved use becomes final. Idempotent; an unknown reference is ignored. */
  async confirm(reference: string): Promise<void> {
    if (!isRedemptionReference(reference)) return;
    await this.transactions.run(async () => {
      const confirmed = await this.uses.confirmReserved(reference);
      if (confirmed) {
        await this.counted('confirmed', confirmed, 'Coupon redemption confirmed');
        return;
      }
      const current = await this.uses.findByReference(reference);
      if (current?.status === 'released') await this.reclaim(current);
    });
  }

  /**
   * The payment failed or expired: its reserved use is given back (the count goes down once, however
   * often this is called or raced). A confirmed use is kept; an unknown reference is ignored.
   */
  async release(reference: string): Promise<void> {
    if (!isRedemptionReference(reference)) return;
    await this.transactions.run(async () => {
      const released = await this.uses.releaseReserved(reference);
      if (released) await this.counted('released', released, 'Coupon redemption released');
    });
  }

  /**
   * Would `code` apply to a payment of this amount by the calling user? Read-only: nothing is reserved, so
   * a valid answer is no promise (the last use may go to someone else before the payment).
   */
  async validate(principal: Principal, request: ValidateCouponRequest): Promise<CouponValidationResponse> {
    // A preview is the payer's own; a service has no per-user count to check against.
    if (principal.kind !== 'user') throw CommonErrors.forbidden('Only users may preview coupons');
    const userId = principal.userId;
    const amount = BigInt(request.amountMinor);
    const found = await this.coupons.findByCode(normalizeCouponCode(request.code));
    const userUses = found ? await this.uses.countCountingUses(found.coupon.id, userId.toLowerCase()) : 0;
    const refusal = couponRefusal(
      found?.coupon ?? null,
      { amountMinor: amount, currency: request.currency, userUses },
      found?.now ?? new Date(),
    );
    this.validations.inc({ result: refusal ? 'invalid' : 'valid' });
    const discount = found && !refusal ? couponDiscount(found.coupon, amount) : 0n;
    return {
      valid: refusal === null,
      discountMinor: discount.toString(),
      chargedMinor: (amount - discount).toString(),
      reason: refusal,
    };
  }

  private async reserveChecked(request: CheckedReservation): Promise<{ discountMinor: string }> {
    // Retries are common (a payment request resent): answer them before taking the coupon's lock.
    const earlier = await this.uses.findByReference(request.reference);
    if (earlier) return this.replay(earlier, request);

    const locked = await this.coupons.lockByCode(request.code);
    // A racing reservation of the same reference may have committed while we waited for the lock.
    const raced = await this.uses.findByReference(request.reference);
    if (raced) return this.replay(raced, request);

    const coupon = locked?.coupon ?? null;
    const userUses = coupon ? await this.uses.countCountingUses(coupon.id, request.userId) : 0;
    const refusal = couponRefusal(
      coupon,
      { amountMinor: request.amountMinor, currency: request.currency, userUses },
      locked?.now ?? new Date(),
    );
    if (refusal || !coupon) {
      throw refusalError(refusal ?? 'COUPON_NOT_FOUND', request.code, {
        currency: request.currency,
        couponCurrency: coupon?.currency ?? null,
        minAmountMinor: coupon?.minAmountMinor ?? 0n,
      });
    }

    const discount = couponDiscount(coupon, request.amountMinor);
    // The redemption first: a reference taken by a reservation of another coupon (which this lock
    // does not order) makes this insert do nothing, and nothing is written.
    const inserted = await this.uses.insertUnlessExists({
      couponId: coupon.id,
      userId: request.userId,
      reference: request.reference,
      amountMinor: request.amountMinor,
      discountMinor: discount,
      currency: request.currency,
    });
    if (!inserted) {
      const winner = await this.uses.findByReference(request.reference);
      if (!winner) throw new Error(`Coupon redemption ${request.reference} neither inserted nor found`);
      return this.replay(winner, request);
    }
    // Under the lock and after the checks above this always qualifies; the conditional UPDATE (and
    // the table's CHECK) are the guarantee should the checks and the lock ever drift apart.
    const count = await this.coupons.claimUse(coupon.id);
    if (count === null) throw new Error(`Coupon ${coupon.id} refused a use its checks allowed`);

    await afterCommit(() => {
      this.redemptions.inc({ result: 'reserved' });
      this.logger.log({
        msg: 'Coupon use reserved',
        couponId: coupon.id,
        code: coupon.code,
        reference: request.reference,
        userId: request.userId,
        amountMinor: request.amountMinor.toString(),
        discountMinor: discount.toString(),
        currency: request.currency,
        redeemedCount: count,
      });
    });
    return { discountMinor: discount.toString() };
  }

  /** The answer to a reservation whose reference already has a redemption. */
  private async replay(
    earlier: CouponRedemptionRecord,
    request: CheckedReservation,
  ): Promise<{ discountMinor: string }> {
    const coupon = await this.coupons.findById(earlier.couponId);
    const same =
      coupon?.code === request.code &&
      earlier.userId === request.userId &&
      earlier.amountMinor === request.amountMinor &&
      earlier.currency === request.currency;
    if (!same) throw CouponErrors.redemptionConflict(request.reference, 'for another coupon, user or amount');
    // A released use is gone: reserving it again would take a use its payment already gave back.
    if (earlier.status === 'released') throw CouponErrors.redemptionConflict(request.reference, 'released');
    this.redemptions.inc({ result: 'duplicate' });
    return { discountMinor: earlier.discountMinor.toString() };
  }

  /**
   * A payment confirmed after its use was released (its payment expired, then succeeded after all).
   * The user has paid the discounted price, so the use is taken back if the coupon's limit still
   * allows; if not, the redemption stays released and this is logged: refusing the confirmation
   * would not undo the payment, only leave the account uncredited.
   */
  private async reclaim(redemption: CouponRedemptionRecord): Promise<void> {
    // The coupon row first, as a reservation does. A released redemption changes only here, under
    // that lock, so once it is held the status read next stays true until we commit.
    await this.coupons.lockById(redemption.couponId);
    const current = await this.uses.findByReference(redemption.reference);
    if (current?.status !== 'released') return; // a racing confirmation took it back already
    const count = await this.coupons.reclaimUse(redemption.couponId);
    if (count !== null) {
      if (!(await this.uses.confirmReleased(redemption.reference)))
        throw new Error(`Coupon redemption ${redemption.reference} changed while its coupon was locked`);
      await this.counted('reclaimed', redemption, 'Released coupon redemption confirmed; use taken back');
      return;
    }
    this.redemptions.inc({ result: 'reclaim_refused' });
    this.logger.warn({
      msg: 'Payment confirmed after its coupon use was released, and the coupon is used up; use not counted',
      couponId: redemption.couponId,
      reference: redemption.reference,
      discountMinor: redemption.discountMinor.toString(),
    });
  }

  /** Counts and logs a confirmation or release once its transaction has committed. */
  private async counted(
    result: 'confirmed' | 'released' | 'reclaimed',
    redemption: CouponRedemptionRecord,
    msg: string,
  ): Promise<void> {
    await afterCommit(() => {
      this.redemptions.inc({ result });
      if (result !== 'released') {
        this.discounted.inc({ currency: redemption.currency }, Number(redemption.discountMinor));
      }
      this.logger.log({
        msg,
        couponId: redemption.couponId,
        reference: redemption.reference,
        discountMinor: redemption.discountMinor.toString(),
        currency: redemption.currency,
      });
    });
  }
}

/** The metric label of a refusal's error code. */
function resultOf(code: string): RedemptionResult {
  switch (code) {
    case 'COUPON_NOT_FOUND':
      return 'not_found';
    case 'COUPON_NOT_STARTED':
      return 'not_started';
    case 'COUPON_EXPIRED':
      return 'expired';
    case 'COUPON_CURRENCY_MISMATCH':
      return 'currency_mismatch';
    case 'COUPON_MINIMUM_AMOUNT':
      return 'minimum_amount';
    case 'COUPON_EXHAUSTED':
      return 'exhausted';
    case 'COUPON_USER_LIMIT':
      return 'user_limit';
    case 'COUPON_REDEMPTION_CONFLICT':
      return 'conflict';
    default:
      return 'invalid';
  }
}
