import { couponDiscount } from './coupon-discount';

const percent = (percentBp: number) => ({ kind: 'percentage' as const, percentBp, amountMinor: null });
const fixed = (amountMinor: bigint) => ({ kind: 'fixed' as const, percentBp: null, amountMinor });

describe('couponDiscount', () => {
  it.each<[number, bigint, bigint]>([
    [2500, 10_000n, 2_500n],
    [2500, 1n, 0n], // 0.25 rounds down
    [2500, 3n, 0n], // 0.75 rounds down: never more than the advertised share
    [2500, 4n, 1n],
    [3333, 100n, 33n], // 33.33
    [1, 9_999n, 0n], // 0.9999
    [1, 10_000n, 1n],
    [10_000, 12_345n, 12_345n], // 100 %: the payer pays nothing
    [9_999, 999_999_999_999n, 999_899_999_999n], // 999,899,999,999.0001 → down
  ])('%i bp of %s is %s', (bp, amount, expected) => {
    expect(couponDiscount(percent(bp), amount)).toBe(expected);
  });

  it('is exact where amount × basis points passes 2^53 (a float would round)', () => {
    // 999,999,999,997 × 9,999 = 9,998,999,999,970,003 > 2^53: not representable as a double.
    expect(couponDiscount(percent(9_999), 999_999_999_997n)).toBe(999_899_999_997n);
    expect(couponDiscount(percent(3_333), 999_999_999_999n)).toBe(333_299_999_999n);
  });

  it('gives a fixed amount, but never more than the amount paid', () => {
    expect(couponDiscount(fixed(500n), 10_000n)).toBe(500n);
    expect(couponDiscount(fixed(500n), 500n)).toBe(500n);
    expect(couponDiscount(fixed(500n), 499n)).toBe(499n);
    expect(couponDiscount(fixed(999_999_999_999n), 1n)).toBe(1n);
  });

  it('never exceeds the amount nor goes below 0, for any percentage', () => {
    for (const bp of [1, 2, 3, 7, 99, 2500, 5000, 9999, 10_000]) {
      for (const amount of [1n, 2n, 3n, 99n, 101n, 1_000_003n, 999_999_999_999n]) {
        const discount = couponDiscount(percent(bp), amount);
        expect(discount >= 0n && discount <= amount).toBe(true);
        // Rounded down: within one minor unit below the exact share.
        expect(discount * 10_000n <= amount * BigInt(bp)).toBe(true);
        expect((discount + 1n) * 10_000n > amount * BigInt(bp)).toBe(true);
      }
    }
  });

  it('refuses impossible terms and negative amounts (coding errors, not user input)', () => {
    expect(() => couponDiscount(percent(10_001), 100n)).toThrow(RangeError);
    expect(() => couponDiscount(percent(1.5), 100n)).toThrow(RangeError);
    expect(() => couponDiscount({ kind: 'percentage', percentBp: null, amountMinor: null }, 100n)).toThrow(
      RangeError,
    );
    expect(() => couponDiscount({ kind: 'fixed', percentBp: null, amountMinor: null }, 100n)).toThrow(
      RangeError,
    );
    expect(() => couponDiscount(fixed(5n), -1n)).toThrow(RangeError);
  });
});
