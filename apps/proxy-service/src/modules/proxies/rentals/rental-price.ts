const SECONDS_PER_HOUR = 3600n;
const BYTES_PER_GB = 1_000_000_000n;
const MICROS_PER_MINOR = 1_000_000n;

/** Rates in micro-minor units (1,000,000 = one cent for USD), as the proxy rows hold them. */
export interface ProxyRates {
  perHourMicros: bigint;
  perGbMicros: bigint;
}

/**
 * The charge, in whole minor units, of a rental of `seconds` that moved `bytes` (GB are 10^9
 * bytes, as vendors bill them): computed exactly as a fraction and rounded up once, so a charge is
 * never below its exact value, rounding costs at most one minor unit per rental, and an unused
 * instant costs nothing. Unknown traffic (the vendor does not report it per proxy) costs nothing.
 */
export function rentalChargeMinor(rates: ProxyRates, seconds: number, bytes: bigint | null): bigint {
  return ceilDivide(scaledMicros(rates, seconds, bytes), MICROS_PER_MINOR);
}

/** The same rental priced at the platform's cost rates, in micro-minor units (spend reports). */
export function rentalCostMicros(rates: ProxyRates, seconds: number, bytes: bigint | null): bigint {
  return ceilDivide(scaledMicros(rates, seconds, bytes), 1n);
}

/** Micro-units times 3600 × 10^9, so that per-second and per-byte parts both stay integers. */
function scaledMicros(rates: ProxyRates, seconds: number, bytes: bigint | null): bigint {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`Invalid seconds: ${seconds}`);
  if (bytes !== null && bytes < 0n) throw new RangeError(`Invalid bytes: ${bytes}`);
  return (
    rates.perHourMicros * BigInt(seconds) * BYTES_PER_GB +
    rates.perGbMicros * (bytes ?? 0n) * SECONDS_PER_HOUR
  );
}

function ceilDivide(scaled: bigint, unit: bigint): bigint {
  const denominator = SECONDS_PER_HOUR * BYTES_PER_GB * unit;
  return (scaled + denominator - 1n) / denominator;
}
