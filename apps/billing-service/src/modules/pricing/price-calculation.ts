import type { DeviceSpec } from '@cloudphone/contracts';
import type { PriceRates } from './price-plan';

const SECONDS_PER_HOUR = 3600n;
const MB_PER_GB = 1024n;
const MICROS_PER_MINOR = 1_000_000n;
const DENOMINATOR = SECONDS_PER_HOUR * MB_PER_GB * MICROS_PER_MINOR;

/**
 * The price, in whole minor units, of running a device of `spec` for `seconds`: the hourly rate of
 * the spec (base + cores + GiB of memory, pro rata per MB + GB of storage) times the seconds,
 * computed exactly as a fraction and rounded up once, to the next minor unit. So a price is never
 * below its exact value, the rounding costs at most one minor unit per allocation, and 0 s costs 0.
 */
export function priceInMinorUnits(rates: PriceRates, spec: DeviceSpec, seconds: number): bigint {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`Invalid seconds: ${seconds}`);
  // Scaled by 1024 so memory, priced per GiB, stays an integer per MB.
  const ratePerHourTimesMbPerGb =
    rates.baseMicrosPerHour * MB_PER_GB +
    rates.cpuCoreMicrosPerHour * BigInt(spec.cpuCores) * MB_PER_GB +
    rates.memoryGbMicrosPerHour * BigInt(spec.memoryMb) +
    rates.storageGbMicrosPerHour * BigInt(spec.storageGb) * MB_PER_GB;
  const numerator = ratePerHourTimesMbPerGb * BigInt(seconds);
  return (numerator + DENOMINATOR - 1n) / DENOMINATOR;
}
