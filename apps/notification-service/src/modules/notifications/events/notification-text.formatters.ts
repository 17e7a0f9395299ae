/**
 * Formatting of times, durations and money in notification texts. Texts are English and times are
 * UTC; clients that localise use the structured `data` stored with each notification.
 */

/** `2026-01-01T12:05:30.000Z` → `2026-01-01 12:05 UTC`. */
export function formatUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * An end time for "until …" texts, rounded up to the minute (`12:05:30` → `12:06 UTC`), so a reader
 * who waits for the printed minute is never still shut out for the seconds it cut off.
 */
export function formatUtcRoundedUp(iso: string): string {
  const minute = 60_000;
  return formatUtc(new Date(Math.ceil(new Date(iso).getTime() / minute) * minute).toISOString());
}

/** `2026-12` → `December 2026`, for billing periods (months in UTC). */
export function formatMonth(period: string): string {
  return new Date(`${period}-01T00:00:00.000Z`).toLocaleString('en', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** The same instant in one canonical spelling, for natural keys built from publisher timestamps. */
export function canonicalInstant(iso: string): string {
  return new Date(iso).toISOString();
}

/** `3725` → `1 h 2 min 5 s`; `45` → `45 s`; `0` → `0 s`. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    hours > 0 ? `${hours} h` : '',
    minutes > 0 ? `${minutes} min` : '',
    seconds > 0 ? `${seconds} s` : '',
  ];
  return parts.filter(Boolean).join(' ') || '0 s';
}

/** `1` → `1 minute`, `5` → `5 minutes`. */
export function formatMinutes(minutes: number): string {
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** Integer minor units as a decimal string → `-4.20 USD` (`1200 JPY` for zero-decimal currencies). */
export function formatMoney(minorUnits: string, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = minorUnits.startsWith('-');
  const magnitude = (negative ? minorUnits.slice(1) : minorUnits).padStart(digits + 1, '0');
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = digits > 0 ? `.${magnitude.slice(magnitude.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction} ${currency}`;
}

function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}
