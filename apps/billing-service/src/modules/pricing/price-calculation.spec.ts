import { BILLING_FIELD_MAX, DEVICE_SPEC_BOUNDS } from '@cloudphone/contracts';
import { priceInMinorUnits } from './price-calculation';
import type { PriceRates } from './price-plan';

// The default plan of migration 0003: 2.00 + 1.50/core + 0.50/GiB + 0.01/GB cents per hour.
const DEFAULT_RATES: PriceRates = {
  baseMicrosPerHour: 2_000_000n,
  cpuCoreMicrosPerHour: 1_500_000n,
  memoryGbMicrosPerHour: 500_000n,
  storageGbMicrosPerHour: 10_000n,
};
// 2 + 6 + 4 + 0.64 = 12.64 cents per hour = 12,640,000 micros per hour.
const SPEC = { cpuCores: 4, memoryMb: 8192, storageGb: 64 };

describe('priceInMinorUnits', () => {
  it('charges an exact hour exactly', () => {
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 3600)).toBe(13n); // 12.64 → 13
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 36_000)).toBe(127n); // 126.4 → 127
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 90_000)).toBe(316n); // exactly 316
  });

  it('rounds odd second counts up to the next minor unit, once per allocation', () => {
    // 12,640,000 µ/h × 7 s / 3600 = 24,577.8 µ → 0.0246 cents → 1.
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 7)).toBe(1n);
    // × 1 s: the smallest non-zero charge is one minor unit.
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 1)).toBe(1n);
    // × 12,345 s = 43,344,633.3 µ = 43.34 cents → 44.
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 12_345)).toBe(44n);
    // × 7,777 s = 27,305,911.1 µ = 27.31 cents → 28.
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 7_777)).toBe(28n);
  });

  it('costs nothing for zero seconds or a free plan', () => {
    expect(priceInMinorUnits(DEFAULT_RATES, SPEC, 0)).toBe(0n);
    const free: PriceRates = {
      baseMicrosPerHour: 0n,
      cpuCoreMicrosPerHour: 0n,
      memoryGbMicrosPerHour: 0n,
      storageGbMicrosPerHour: 0n,
    };
    expect(priceInMinorUnits(free, SPEC, 3600)).toBe(0n);
  });

  it('prices memory pro rata per MB of a GiB', () => {
    const memoryOnly: PriceRates = {
      baseMicrosPerHour: 0n,
      cpuCoreMicrosPerHour: 0n,
      memoryGbMicrosPerHour: 1_024_000_000n, // 1,024 cents per GiB-hour = 1 cent per MB-hour
      storageGbMicrosPerHour: 0n,
    };
    expect(priceInMinorUnits(memoryOnly, { cpuCores: 0, memoryMb: 3, storageGb: 0 }, 3600)).toBe(3n);
    expect(priceInMinorUnits(memoryOnly, { cpuCores: 0, memoryMb: 3, storageGb: 0 }, 1800)).toBe(2n); // 1.5 → 2
  });

  it('stays exact at the largest allowed spec, duration and rates', () => {
    const max = 999_999_999_999n;
    const rates: PriceRates = {
      baseMicrosPerHour: max,
      cpuCoreMicrosPerHour: max,
      memoryGbMicrosPerHour: max,
      storageGbMicrosPerHour: max,
    };
    const spec = {
      cpuCores: DEVICE_SPEC_BOUNDS.cpuCores.max,
      memoryMb: DEVICE_SPEC_BOUNDS.memoryMb.max,
      storageGb: DEVICE_SPEC_BOUNDS.storageGb.max,
    };
    const price = priceInMinorUnits(rates, spec, BILLING_FIELD_MAX.seconds);
    // (1 + 128 + 1024 + 65,536) GiB-equivalents × 999,999.999999 cents/h × 2160 h, rounded up.
    const units = 1n + 128n + 1024n + 65_536n;
    const exactNumerator = units * max * 2160n;
    expect(price).toBe((exactNumerator + 999_999n) / 1_000_000n);
    expect(price < 2n ** 63n).toBe(true);
  });

  it('refuses negative or fractional seconds', () => {
    expect(() => priceInMinorUnits(DEFAULT_RATES, SPEC, -1)).toThrow(RangeError);
    expect(() => priceInMinorUnits(DEFAULT_RATES, SPEC, 1.5)).toThrow(RangeError);
  });
});
