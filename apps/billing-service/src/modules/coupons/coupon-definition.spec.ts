import type { CreateCouponRequest } from '@cloudphone/contracts';
import { AppError } from '@cloudphone/shared';
import { changedCoupon, newCouponFrom } from './coupon-definition';
import type { CouponRecord } from './coupon-record';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const LATER = '2025-07-01T00:00:00.000Z';
const EARLIER = '2025-05-01T00:00:00.000Z';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof AppError ? `${error.httpStatus} ${error.code}` : String(error);
  }
  return undefined;
}

function coupon(overrides: Partial<CouponRecord> = {}): CouponRecord {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    code: 'SUMMER25',
    kind: 'percentage',
    percentBp: 2500,
    amountMinor: null,
    currency: 'USD',
    maxRedemptions: 10,
    perUserLimit: 1,
    minAmountMinor: 0n,
    startsAt: new Date('2025-01-01T00:00:00.000Z'),
    expiresAt: new Date(LATER),
    status: 'active',
    redeemedCount: 4,
    createdBy: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

describe('newCouponFrom', () => {
  it('upper-cases the code and fills the defaults', () => {
    const created = newCouponFrom({ code: 'summer-25', kind: 'percentage', percentBp: 2500 }, 'admin', NOW);
    expect(created).toEqual({
      code: 'SUMMER-25',
      kind: 'percentage',
      percentBp: 2500,
      amountMinor: null,
      currency: null,
      maxRedemptions: null,
      perUserLimit: 1,
      minAmountMinor: 0n,
      startsAt: null,
      expiresAt: null,
      createdBy: 'admin',
    });
  });

  it.each<[string, CreateCouponRequest]>([
    ['a percentage without percentBp', { code: 'ABC', kind: 'percentage' }],
    ['a percentage with an amount', { code: 'ABC', kind: 'percentage', percentBp: 10, amountMinor: '5' }],
    ['a fixed coupon without amount', { code: 'ABC', kind: 'fixed', currency: 'USD' }],
    ['a fixed coupon without currency', { code: 'ABC', kind: 'fixed', amountMinor: '500' }],
    [
      'a fixed coupon with percentBp',
      { code: 'ABC', kind: 'fixed', amountMinor: '5', currency: 'USD', percentBp: 5 },
    ],
    ['a minimum without currency', { code: 'ABC', kind: 'percentage', percentBp: 10, minAmountMinor: '100' }],
    ['an expiry in the past', { code: 'ABC', kind: 'percentage', percentBp: 10, expiresAt: EARLIER }],
    [
      'an expiry before the start',
      { code: 'ABC', kind: 'percentage', percentBp: 10, startsAt: '2025-08-01T00:00:00Z', expiresAt: LATER },
    ],
  ])('refuses %s with 400', (_label, request) => {
    expect(codeOf(() => newCouponFrom(request, null, NOW))).toBe('400 VALIDATION_FAILED');
  });
});

describe('changedCoupon', () => {
  it('never lowers the total limit below the uses already counted', () => {
    expect(codeOf(() => changedCoupon(coupon(), { maxRedemptions: 3 }, NOW))).toBe(
      '409 COUPON_LIMIT_BELOW_COUNT',
    );
    expect(changedCoupon(coupon(), { maxRedemptions: 4 }, NOW).maxRedemptions).toBe(4);
    expect(changedCoupon(coupon(), { maxRedemptions: null }, NOW).maxRedemptions).toBeNull();
  });

  it('disables and enables', () => {
    expect(changedCoupon(coupon(), { status: 'disabled' }, NOW).status).toBe('disabled');
    expect(changedCoupon(coupon({ status: 'disabled' }), { status: 'active' }, NOW).status).toBe('active');
  });

  it('expires an active coupon whose expiry moves to the past', () => {
    const changed = changedCoupon(coupon(), { expiresAt: '2025-06-01T11:00:00.000Z' }, NOW);
    expect(changed.status).toBe('expired');
  });

  it('reactivates an expired coupon whose expiry moves to the future or goes away', () => {
    const expired = coupon({ status: 'expired', expiresAt: new Date(EARLIER) });
    expect(changedCoupon(expired, { expiresAt: LATER }, NOW).status).toBe('active');
    expect(changedCoupon(expired, { expiresAt: null }, NOW).status).toBe('active');
    expect(changedCoupon(expired, { expiresAt: LATER, status: 'disabled' }, NOW).status).toBe('disabled');
    expect(codeOf(() => changedCoupon(expired, { status: 'active' }, NOW))).toBe('409 COUPON_EXPIRED');
    expect(changedCoupon(expired, { perUserLimit: 3 }, NOW).status).toBe('expired');
  });

  it('refuses an empty change, a window ending before it starts and a minimum without currency', () => {
    expect(codeOf(() => changedCoupon(coupon(), {}, NOW))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(() => changedCoupon(coupon(), { startsAt: '2025-08-01T00:00:00Z' }, NOW))).toBe(
      '400 VALIDATION_FAILED',
    );
    expect(codeOf(() => changedCoupon(coupon({ currency: null }), { minAmountMinor: '100' }, NOW))).toBe(
      '400 VALIDATION_FAILED',
    );
  });
});
