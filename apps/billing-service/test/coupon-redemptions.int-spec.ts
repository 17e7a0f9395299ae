import { randomUUID } from 'node:crypto';
import { AppError, type RunningService } from '@cloudphone/shared';
import { BillingTestApp } from './billing-test-app';
import {
  callerOf,
  counterValue,
  couponState,
  createCoupon,
  paymentReference,
  startReplica,
  type CouponCaller,
} from './coupon-fixtures';

// CouponsService.reserve/confirm/release as the payments module calls them: inside its own
// transactions, from two replicas (two apps with their own pools on one database), racing.

/** The error code of a rejected promise, or 'ok'. */
function outcome(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'ok';
  return result.reason instanceof AppError ? result.reason.code : String(result.reason);
}

function tally(results: Array<PromiseSettledResult<unknown>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) counts[outcome(result)] = (counts[outcome(result)] ?? 0) + 1;
  return counts;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('billing-service coupon redemptions', () => {
  let app: BillingTestApp;
  let replica: RunningService;
  let callers: CouponCaller[];

  beforeAll(async () => {
    app = await BillingTestApp.start();
    replica = await startReplica(app.db.url, app.namespace);
    callers = [callerOf(app.service), callerOf(replica)];
  });

  afterAll(async () => {
    await replica?.app.close();
    await app?.close();
  });

  const local = () => callers[0].coupons;

  /**
   * Reserves as a payment would: in a transaction of its own on replica `index % 2`, which stays
   * open a little after the reservation (the payment row being written) so racers overlap.
   */
  function reserveInPayment(index: number, request: Parameters<CouponCaller['coupons']['reserve']>[0]) {
    const { coupons, transactions } = callers[index % 2];
    return transactions.run(async () => {
      const answer = await coupons.reserve(request);
      await pause(5);
      return answer;
    });
  }

  const reservation = (code: string, overrides: Record<string, string> = {}) => ({
    code,
    userId: randomUUID(),
    amountMinor: '10000',
    currency: 'USD',
    reference: paymentReference(),
    ...overrides,
  });

  describe('exact limits under concurrency', () => {
    it('20 racing reservations of a coupon limited to 5: exactly 5 succeed, count 5', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 5 });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) => reserveInPayment(index, reservation(coupon.code))),
      );
      expect(tally(results)).toEqual({ ok: 5, COUPON_EXHAUSTED: 15 });
      expect(await couponState(app, coupon.id)).toEqual({
        redeemedCount: 5,
        reserved: 5,
        confirmed: 0,
        released: 0,
      });
    });

    it('the same user 10 times at once against a per-user limit of 1: exactly 1', async () => {
      const coupon = await createCoupon(app, { perUserLimit: 1 });
      const userId = randomUUID();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          reserveInPayment(index, reservation(coupon.code, { userId })),
        ),
      );
      expect(tally(results)).toEqual({ ok: 1, COUPON_USER_LIMIT: 9 });
      expect((await couponState(app, coupon.id)).redeemedCount).toBe(1);
    });

    it('one reference reserved 10 times at once: one use, the same discount for all', async () => {
      const coupon = await createCoupon(app, { percentBp: 3333 });
      const request = reservation(coupon.code, { amountMinor: '1001' });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) => reserveInPayment(index, request)),
      );
      expect(tally(results)).toEqual({ ok: 10 });
      const discounts = results.map((result) =>
        result.status === 'fulfilled' ? result.value.discountMinor : '',
      );
      expect(new Set(discounts)).toEqual(new Set(['333'])); // 33.33 % of 1001 = 333.63, rounded down
      expect(await couponState(app, coupon.id)).toMatchObject({ redeemedCount: 1, reserved: 1 });
    });

    it('racing releases of one reservation free its use once', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 3 });
      const requests = [reservation(coupon.code), reservation(coupon.code)];
      for (const request of requests) await local().reserve(request);
      await Promise.all(
        Array.from({ length: 10 }, (_, index) => callers[index % 2].coupons.release(requests[0].reference)),
      );
      expect(await couponState(app, coupon.id)).toEqual({
        redeemedCount: 1,
        reserved: 1,
        confirmed: 0,
        released: 1,
      });
    });
  });

  describe('the caller’s transaction', () => {
    it('a reservation rolls back with its payment', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 1 });
      const request = reservation(coupon.code);
      await expect(
        callers[0].transactions.run(async () => {
          await local().reserve(request);
          throw new Error('payment insert failed');
        }),
      ).rejects.toThrow('payment insert failed');
      expect(await couponState(app, coupon.id)).toMatchObject({ redeemedCount: 0, reserved: 0 });
      await expect(local().reserve(reservation(coupon.code))).resolves.toEqual({ discountMinor: '2500' });
    });
  });

  describe('reserve, confirm, release', () => {
    it('release gives the use back for someone else; confirm and release are idempotent', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 1 });
      const first = reservation(coupon.code);
      const second = reservation(coupon.code);
      expect(await local().reserve(first)).toEqual({ discountMinor: '2500' });
      await expect(local().reserve(second)).rejects.toMatchObject({
        code: 'COUPON_EXHAUSTED',
        httpStatus: 409,
      });

      await local().release(first.reference);
      await local().release(first.reference);
      expect(await couponState(app, coupon.id)).toMatchObject({ redeemedCount: 0, released: 1 });

      expect(await local().reserve(second)).toEqual({ discountMinor: '2500' });
      await local().confirm(second.reference);
      await local().confirm(second.reference);
      // A confirmed use stays: a late release of a paid payment frees nothing.
      await local().release(second.reference);
      expect(await couponState(app, coupon.id)).toEqual({
        redeemedCount: 1,
        reserved: 0,
        confirmed: 1,
        released: 1,
      });
      // Replaying a confirmed reservation still answers its discount, and takes nothing.
      expect(await local().reserve(second)).toEqual({ discountMinor: '2500' });
      expect((await couponState(app, coupon.id)).redeemedCount).toBe(1);
    });

    it('a released reference cannot be reserved again; another amount or user is a conflict', async () => {
      const coupon = await createCoupon(app, { perUserLimit: 5 });
      const request = reservation(coupon.code);
      await local().reserve(request);
      await expect(local().reserve({ ...request, amountMinor: '10001' })).rejects.toMatchObject({
        code: 'COUPON_REDEMPTION_CONFLICT',
      });
      await expect(local().reserve({ ...request, userId: randomUUID() })).rejects.toMatchObject({
        code: 'COUPON_REDEMPTION_CONFLICT',
      });
      await local().release(request.reference);
      await expect(local().reserve(request)).rejects.toMatchObject({ code: 'COUPON_REDEMPTION_CONFLICT' });
      expect((await couponState(app, coupon.id)).redeemedCount).toBe(0);
    });

    it('a payment confirmed after its use was released takes the use back while the limit allows', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 1, perUserLimit: 3 });
      const late = reservation(coupon.code);
      await local().reserve(late);
      await local().release(late.reference);
      await local().confirm(late.reference);
      expect(await couponState(app, coupon.id)).toMatchObject({
        redeemedCount: 1,
        confirmed: 1,
        released: 0,
      });

      // Used up meanwhile: the confirmation does not fail the payment, the use stays released.
      const other = await createCoupon(app, { maxRedemptions: 1 });
      const released = reservation(other.code);
      await local().reserve(released);
      await local().release(released.reference);
      await local().reserve(reservation(other.code));
      await local().confirm(released.reference);
      expect(await couponState(app, other.id)).toMatchObject({ redeemedCount: 1, reserved: 1, released: 1 });
    });

    it('unknown references are ignored by confirm and release', async () => {
      await expect(local().confirm(paymentReference())).resolves.toBeUndefined();
      await expect(local().release(paymentReference())).resolves.toBeUndefined();
      await expect(local().release('not a reference\u0000')).resolves.toBeUndefined();
    });

    it('fixed coupons never discount more than the amount', async () => {
      const coupon = await createCoupon(app, {
        kind: 'fixed',
        percentBp: undefined,
        amountMinor: '500',
        currency: 'USD',
        perUserLimit: 5,
      });
      const userId = randomUUID();
      expect(await local().reserve(reservation(coupon.code, { userId, amountMinor: '2000' }))).toEqual({
        discountMinor: '500',
      });
      expect(await local().reserve(reservation(coupon.code, { userId, amountMinor: '300' }))).toEqual({
        discountMinor: '300',
      });
    });
  });

  describe('refusals write nothing', () => {
    it.each<[string, Record<string, unknown>, Record<string, string>, string, number]>([
      ['an unknown code', {}, { code: 'NO-SUCH-COUPON' }, 'COUPON_NOT_FOUND', 404],
      ['another currency', { currency: 'USD' }, { currency: 'EUR' }, 'COUPON_CURRENCY_MISMATCH', 409],
      [
        'an amount below the minimum',
        { currency: 'USD', minAmountMinor: '5000' },
        { amountMinor: '4999' },
        'COUPON_MINIMUM_AMOUNT',
        409,
      ],
      ['a coupon not started', { startsAt: '2999-01-01T00:00:00Z' }, {}, 'COUPON_NOT_STARTED', 409],
    ])('%s', async (_label, definition, overrides, code, status) => {
      const coupon = await createCoupon(app, definition);
      await expect(local().reserve(reservation(coupon.code, overrides))).rejects.toMatchObject({
        code,
        httpStatus: status,
      });
      expect(await couponState(app, coupon.id)).toMatchObject({ redeemedCount: 0, reserved: 0 });
    });

    it('disabled and expired coupons', async () => {
      const disabled = await createCoupon(app);
      await app.db.query(`UPDATE coupons SET status = 'disabled' WHERE id = $1`, [disabled.id]);
      await expect(local().reserve(reservation(disabled.code))).rejects.toMatchObject({
        code: 'COUPON_NOT_FOUND',
      });
      const expired = await createCoupon(app, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
      // Past its expiry but not yet marked by the job: the clock decides.
      await app.db.query(
        `UPDATE coupons SET starts_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`,
        [expired.id],
      );
      await expect(local().reserve(reservation(expired.code))).rejects.toMatchObject({
        code: 'COUPON_EXPIRED',
      });
    });

    it.each<[string, Record<string, unknown>]>([
      ['a NUL in the code', { code: 'ABC\u0000DEF' }],
      ['a code of one character', { code: 'A' }],
      ['an amount past bigint', { amountMinor: '99999999999999999999' }],
      ['an amount of 0', { amountMinor: '0' }],
      ['a fractional amount', { amountMinor: '1.5' }],
      ['a number as amount', { amountMinor: 1000 }],
      ['a lower-case currency', { currency: 'usd' }],
      ['a user id that is no uuid', { userId: 'user-1' }],
      ['a reference with a NUL', { reference: 'payment:abc\u0000' }],
      ['a reference without kind', { reference: 'abc' }],
    ])('%s: 400 VALIDATION_FAILED', async (_label, overrides) => {
      const coupon = await createCoupon(app);
      const request = { ...reservation(coupon.code), ...overrides } as Parameters<
        CouponCaller['coupons']['reserve']
      >[0];
      await expect(local().reserve(request)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        httpStatus: 400,
      });
      expect(await couponState(app, coupon.id)).toMatchObject({ redeemedCount: 0, reserved: 0 });
    });
  });

  it('counts results in cloudphone_billing_coupon_redemptions_total', async () => {
    const name = 'cloudphone_billing_coupon_redemptions_total';
    expect(await counterValue(app, name, { result: 'reserved' })).toBeGreaterThan(0);
    expect(await counterValue(app, name, { result: 'exhausted' })).toBeGreaterThanOrEqual(7);
    expect(await counterValue(app, name, { result: 'duplicate' })).toBeGreaterThan(0);
    expect(await counterValue(app, name, { result: 'released' })).toBeGreaterThan(0);
    expect(await counterValue(app, name, { result: 'reclaimed' })).toBe(1);
    expect(await counterValue(app, name, { result: 'reclaim_refused' })).toBe(1);
    expect(await counterValue(app, name, { result: 'invalid' })).toBe(10);
  });
});
