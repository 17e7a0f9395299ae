import type { DeviceSpec } from '@cloudphone/contracts';
import { finalSettlement, type MeterPosition, nextSliceEnd, sliceAmount } from './usage-slicing';

/**
 * The price of the default plan of migration 0003 (2.00 + 1.50/core + 0.50/GiB + 0.01/GB cents per
 * hour), restated on its own as pricing documents it: the exact fraction, rounded up once.
 */
function price(spec: DeviceSpec, seconds: number): bigint {
  const microsPerHourTimes1024 =
    2_000_000n * 1024n +
    1_500_000n * BigInt(spec.cpuCores) * 1024n +
    500_000n * BigInt(spec.memoryMb) +
    10_000n * BigInt(spec.storageGb) * 1024n;
  const denominator = 3600n * 1024n * 1_000_000n;
  return (microsPerHourTimes1024 * BigInt(seconds) + denominator - 1n) / denominator;
}

// 12.64 cents per hour.
const SPEC: DeviceSpec = { cpuCores: 4, memoryMb: 8192, storageGb: 64 };
const START = new Date('2025-01-01T10:00:00.000Z');
const HOUR = 3600;
const MARGIN = 60;

const after = (seconds: number) => new Date(START.getTime() + seconds * 1000);
const meter = (slicedSeconds: number, expiresAfterSeconds = 24 * HOUR): MeterPosition => ({
  startedAt: START,
  expiresAt: after(expiresAfterSeconds),
  slicedSeconds,
});

/**
 * An allocation of `billedSeconds` metered by a job run every `everySeconds` (first run at
 * `firstRunSeconds`) with slices of `sliceSeconds`, then settled by its usage report: every charge.
 */
function meterAndSettle(
  billedSeconds: number,
  sliceSeconds: number,
  everySeconds: number,
  firstRunSeconds: number,
  spec = SPEC,
) {
  const slices: bigint[] = [];
  let sliced = 0;
  let slicedMinor = 0n;
  for (let run = firstRunSeconds; run < billedSeconds; run += everySeconds) {
    const end = nextSliceEnd(meter(sliced), after(run), sliceSeconds, MARGIN);
    if (end === null) continue;
    const amount = sliceAmount(price(spec, end), slicedMinor);
    slices.push(amount);
    slicedMinor += amount;
    sliced = end;
  }
  const settlement = finalSettlement(price(spec, billedSeconds), slicedMinor);
  return { slices, sliced, ...settlement };
}

describe('nextSliceEnd', () => {
  it('slices whole multiples of the slice length, counted from where the meter stands', () => {
    expect(nextSliceEnd(meter(0), after(HOUR + 5 * 60), HOUR, MARGIN)).toBe(HOUR);
    expect(nextSliceEnd(meter(HOUR), after(2 * HOUR + 5 * 60), HOUR, MARGIN)).toBe(2 * HOUR);
    // A job that missed runs catches up in one slice of several lengths.
    expect(nextSliceEnd(meter(HOUR), after(4 * HOUR + 30), HOUR, 0)).toBe(4 * HOUR);
    // A meter left off a boundary (the length changed) keeps counting from where it stands.
    expect(nextSliceEnd(meter(1800), after(2 * HOUR), HOUR, 0)).toBe(1800 + HOUR);
  });

  it('slices nothing before a whole slice has run, margin included', () => {
    expect(nextSliceEnd(meter(0), after(HOUR - 1), HOUR, 0)).toBeNull();
    expect(nextSliceEnd(meter(0), after(HOUR + 59), HOUR, MARGIN)).toBeNull();
    expect(nextSliceEnd(meter(0), after(HOUR + 60), HOUR, MARGIN)).toBe(HOUR);
    expect(nextSliceEnd(meter(HOUR), after(HOUR + 30 * 60), HOUR, MARGIN)).toBeNull();
    // A clock behind the start (a skewed replica) slices nothing.
    expect(nextSliceEnd(meter(0), after(-HOUR), HOUR, MARGIN)).toBeNull();
  });

  it('never slices past the expiry, which device-service never bills beyond', () => {
    expect(nextSliceEnd(meter(0, 90 * 60), after(5 * HOUR), HOUR, MARGIN)).toBe(HOUR);
    expect(nextSliceEnd(meter(HOUR, 90 * 60), after(5 * HOUR), HOUR, MARGIN)).toBeNull();
    expect(nextSliceEnd(meter(0, 2 * HOUR), after(5 * HOUR), HOUR, MARGIN)).toBe(2 * HOUR);
  });

  it('counts whole seconds only (device-service rounds a started second up, we never do)', () => {
    const at = new Date(START.getTime() + HOUR * 1000 - 1);
    expect(nextSliceEnd(meter(0), at, HOUR, 0)).toBeNull();
  });

  it('refuses a slice length or margin that is not a whole number of seconds', () => {
    expect(() => nextSliceEnd(meter(0), after(HOUR), 0, MARGIN)).toThrow(RangeError);
    expect(() => nextSliceEnd(meter(0), after(HOUR), 1.5, MARGIN)).toThrow(RangeError);
    expect(() => nextSliceEnd(meter(0), after(HOUR), HOUR, -1)).toThrow(RangeError);
  });
});

describe('sliceAmount and finalSettlement', () => {
  it('slice billing adds up to exactly the billed seconds', () => {
    // 2.5 h at 12.64 c/h, sliced at 1 h and 2 h: 12.64 → 13, 25.28 → 26 (13 more), 31.6 → 32 (6 more).
    const result = meterAndSettle(9000, HOUR, HOUR, HOUR + 5 * 60);
    expect(result).toEqual({ slices: [13n, 13n], sliced: 2 * HOUR, chargeMinor: 6n, refundMinor: 0n });
    // Rounding each slice on its own would have charged 13 + 13 + ceil(6.32) = 33 for a 32 price.
    expect(13n + 13n + price(SPEC, 1800)).toBe(33n);
    expect(price(SPEC, 9000)).toBe(32n);
  });

  it.each([
    [9000, HOUR, HOUR],
    [7199, HOUR, HOUR],
    [7200, HOUR, HOUR],
    [7261, HOUR, HOUR],
    [86_399, HOUR, HOUR],
    [12_345, 60, 7 * 60],
    [12_345, 7, 61],
    [100_003, 1800, HOUR],
  ])('%i s sliced by %i s every %i s costs the unsliced price', (billed, slice, every) => {
    for (const spec of [
      SPEC,
      { cpuCores: 1, memoryMb: 256, storageGb: 1 },
      { cpuCores: 3, memoryMb: 3001, storageGb: 7 },
    ]) {
      const result = meterAndSettle(billed, slice, every, every, spec);
      const total = result.slices.reduce((sum, amount) => sum + amount, 0n) + result.chargeMinor;
      expect(result.refundMinor).toBe(0n);
      expect(total).toBe(price(spec, billed));
      expect(result.sliced).toBeLessThanOrEqual(billed);
    }
  });

  it('charges 0 for slices of a free plan, and the rest of a price the slices already reached', () => {
    expect(sliceAmount(0n, 0n)).toBe(0n);
    expect(sliceAmount(26n, 13n)).toBe(13n);
    expect(sliceAmount(13n, 26n)).toBe(0n); // never negative: only the usage report refunds
    expect(finalSettlement(32n, 26n)).toEqual({ chargeMinor: 6n, refundMinor: 0n });
    expect(finalSettlement(26n, 26n)).toEqual({ chargeMinor: 0n, refundMinor: 0n });
    expect(finalSettlement(13n, 0n)).toEqual({ chargeMinor: 13n, refundMinor: 0n });
  });

  it('gives back what the slices took beyond the price of the billed seconds', () => {
    // Sliced to 2 h (26), but device-service billed 5000 s (17.56 → 18): 8 back.
    expect(finalSettlement(18n, 26n)).toEqual({ chargeMinor: 0n, refundMinor: 8n });
    expect(() => finalSettlement(-1n, 0n)).toThrow(RangeError);
  });
});
