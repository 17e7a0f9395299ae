import { couponRefusal } from './coupon-eligibility';
import type { CouponRecord } from './coupon-record';

const NOW = new Date('2025-06-01T12:00:00.000Z');

function coupon(overrides: Partial<CouponRecord> = {}): CouponRecord {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    code: 'SUMMER25',
    kind: 'percentage',
    percentBp: 2500,
    amountMinor: null,
    currency: 'USD',
    maxRedemptions: 5,
    perUserLimit: 1,
    minAmountMinor: 1000n,
    startsAt: new Date('2025-01-01T00:00:00.000Z'),
    expiresAt: new Date('2025-12-31T00:00:00.000Z'),
    status: 'active',
    redeemedCount: 0,
    createdBy: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

const use = { amountMinor: 5000n, currency: 'USD', userUses: 0 };

describe('couponRefusal', () => {
  it('accepts an active coupon inside its window, limits and minimum', () => {
    expect(couponRefusal(coupon(), use, NOW)).toBeNull();
    expect(couponRefusal(coupon({ maxRedemptions: null, expiresAt: null }), use, NOW)).toBeNull();
    expect(couponRefusal(coupon(), { ...use, amountMinor: 1000n }, NOW)).toBeNull();
    expect(couponRefusal(coupon({ startsAt: NOW }), use, NOW)).toBeNull();
    expect(
      couponRefusal(coupon({ currency: null, minAmountMinor: 0n }), { ...use, currency: 'EUR' }, NOW),
    ).toBeNull();
  });

  it.each<[string, CouponRecord | null, typeof use, string]>([
    ['no coupon', null, use, 'COUPON_NOT_FOUND'],
    [
      'a disabled coupon (users learn nothing about it)',
      coupon({ status: 'disabled' }),
      use,
      'COUPON_NOT_FOUND',
    ],
    ['an expired status', coupon({ status: 'expired' }), use, 'COUPON_EXPIRED'],
    ['expiry passed, status not yet updated', coupon({ expiresAt: NOW }), use, 'COUPON_EXPIRED'],
    ['not started', coupon({ startsAt: new Date(NOW.getTime() + 1) }), use, 'COUPON_NOT_STARTED'],
    ['another currency', coupon(), { ...use, currency: 'EUR' }, 'COUPON_CURRENCY_MISMATCH'],
    ['below the minimum', coupon(), { ...use, amountMinor: 999n }, 'COUPON_MINIMUM_AMOUNT'],
    ['used up', coupon({ redeemedCount: 5 }), use, 'COUPON_EXHAUSTED'],
    ['the user at their limit', coupon({ perUserLimit: 2 }), { ...use, userUses: 2 }, 'COUPON_USER_LIMIT'],
  ])('refuses %s', (_label, candidate, payment, expected) => {
    expect(couponRefusal(candidate, payment, NOW)).toBe(expected);
  });

  it('answers in a fixed order: the coupon, then the payment, then the counts', () => {
    const everythingWrong = coupon({ expiresAt: NOW, redeemedCount: 5 });
    expect(couponRefusal(everythingWrong, { amountMinor: 1n, currency: 'EUR', userUses: 9 }, NOW)).toBe(
      'COUPON_EXPIRED',
    );
    expect(couponRefusal(coupon({ redeemedCount: 5 }), { ...use, currency: 'EUR', userUses: 9 }, NOW)).toBe(
      'COUPON_CURRENCY_MISMATCH',
    );
    expect(couponRefusal(coupon({ redeemedCount: 5 }), { ...use, userUses: 9 }, NOW)).toBe(
      'COUPON_EXHAUSTED',
    );
  });
});
