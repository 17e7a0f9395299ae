import { rentalChargeMinor, rentalCostMicros } from './rental-price';

describe('rentalChargeMinor', () => {
  const rates = { perHourMicros: 1_300_000n, perGbMicros: 520_000_000n };

  it('charges per second and per byte, rounded up once', () => {
    // One hour: 1.3 cents → 2; one GB: 520 cents.
    expect(rentalChargeMinor(rates, 3600, null)).toBe(2n);
    expect(rentalChargeMinor({ ...rates, perHourMicros: 0n }, 0, 1_000_000_000n)).toBe(520n);
    expect(rentalChargeMinor(rates, 3600, 1_000_000_000n)).toBe(522n);
    expect(rentalChargeMinor(rates, 1, null)).toBe(1n);
  });

  it('costs nothing for nothing', () => {
    expect(rentalChargeMinor(rates, 0, null)).toBe(0n);
    expect(rentalChargeMinor(rates, 0, 0n)).toBe(0n);
  });

  it('is never below the exact value and at most one minor unit above it', () => {
    for (const seconds of [1, 59, 61, 3599, 86_400, 2_147_483_647]) {
      for (const bytes of [null, 1n, 123_456_789n, 10n ** 15n]) {
        const charge = rentalChargeMinor(rates, seconds, bytes);
        const exactTimesDenominator =
          rates.perHourMicros * BigInt(seconds) * 1_000_000_000n + rates.perGbMicros * (bytes ?? 0n) * 3600n;
        const denominator = 3600n * 1_000_000_000n * 1_000_000n;
        expect(charge * denominator).toBeGreaterThanOrEqual(exactTimesDenominator);
        expect((charge - 1n) * denominator).toBeLessThan(exactTimesDenominator);
      }
    }
  });

  it('refuses negative or fractional inputs', () => {
    expect(() => rentalChargeMinor(rates, -1, null)).toThrow(RangeError);
    expect(() => rentalChargeMinor(rates, 1.5, null)).toThrow(RangeError);
    expect(() => rentalChargeMinor(rates, 1, -1n)).toThrow(RangeError);
  });
});

describe('rentalCostMicros', () => {
  it('is the platform cost in micro-units, rounded up', () => {
    expect(rentalCostMicros({ perHourMicros: 1_000_000n, perGbMicros: 0n }, 1800, null)).toBe(500_000n);
    expect(rentalCostMicros({ perHourMicros: 1n, perGbMicros: 0n }, 1, null)).toBe(1n);
  });
});
