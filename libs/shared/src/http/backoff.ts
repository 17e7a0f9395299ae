/**
 * Exponential backoff with full jitter: a uniformly random delay in [0, min(max, base·2^(retry−1))].
 * Full jitter spreads the retries of many callers that failed together, so they do not come back
 * as one synchronised wave. `retry` counts from 1.
 */
export function fullJitterBackoffMs(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header (delta-seconds or an HTTP date) as milliseconds from `now`.
 * Returns undefined when the header is absent or malformed; a date in the past gives 0.
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an HTTP date (it names a weekday and month) counts; Date.parse would take "-1" as a year.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
