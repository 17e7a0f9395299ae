import type { NotificationLocale } from '@cloudphone/contracts';

/** A payload field a dedicated template needs is missing or malformed: the email cannot be written. */
export class EmailTemplateError extends Error {
  constructor(readonly field: string) {
    super(`email template field "${field}" is missing or malformed`);
    this.name = 'EmailTemplateError';
  }
}

const MINOR_UNITS = /^-?\d{1,30}$/;
const CURRENCY = /^[A-Z]{3}$/;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Longest text taken from a payload into an email (the inbox's texts are far shorter). */
const MAX_TEXT = 5000;

/** Typed, checked reads of a delivery's `data`: a wrong type is an EmailTemplateError, never `undefined` text. */
export class TemplateValues {
  constructor(private readonly data: Readonly<Record<string, unknown>>) {}

  text(field: string): string {
    const value = Object.hasOwn(this.data, field) ? this.data[field] : undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
      throw new EmailTemplateError(field);
    }
    return value;
  }

  instant(field: string): Date {
    const value = new Date(this.text(field));
    if (Number.isNaN(value.getTime())) throw new EmailTemplateError(field);
    return value;
  }

  matching(field: string, pattern: RegExp): string {
    const value = this.text(field);
    if (!pattern.test(value)) throw new EmailTemplateError(field);
    return value;
  }

  minorUnits(field: string): string {
    return this.matching(field, MINOR_UNITS);
  }

  currency(field = 'currency'): string {
    return this.matching(field, CURRENCY);
  }

  period(field: string): string {
    return this.matching(field, PERIOD);
  }
}

/** Formats times, months and money the way a reader of `locale` writes them; times in UTC. */
export class LocaleFormat {
  constructor(readonly locale: NotificationLocale) {}

  /** `March 1, 2026 at 12:30 PM UTC` / `1. März 2026 um 12:30 UTC`; seconds cut (an expiry never reads later). */
  dateTime(instant: Date): string {
    const formatted = new Intl.DateTimeFormat(this.locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(instant);
    return `${plainSpaces(formatted)} UTC`;
  }

  /** An end ("locked until"), rounded up to the minute, so who waits for it is never still shut out. */
  dateTimeRoundedUp(instant: Date): string {
    const minute = 60_000;
    return this.dateTime(new Date(Math.ceil(instant.getTime() / minute) * minute));
  }

  /** `2026-02` → `February 2026` / `Februar 2026`. */
  month(period: string): string {
    return plainSpaces(
      new Date(`${period}-01T00:00:00.000Z`).toLocaleString(this.locale, {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    );
  }

  /** Integer minor units (a decimal string, any size) → `USD 4.20` / `4,20 USD`, exactly. */
  money(minorUnits: string, currency: string): string {
    const format = new Intl.NumberFormat(this.locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'code',
    });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    const negative = minorUnits.startsWith('-');
    const magnitude = (negative ? minorUnits.slice(1) : minorUnits).padStart(digits + 1, '0');
    const whole = magnitude.slice(0, magnitude.length - digits);
    const fraction = digits > 0 ? `.${magnitude.slice(magnitude.length - digits)}` : '';
    // A decimal string keeps every digit: Intl formats strings exactly (no float rounding).
    return plainSpaces(
      format.format(`${negative ? '-' : ''}${whole}${fraction}` as Intl.StringNumericLiteral),
    );
  }
}

/**
 * ICU puts no-break spaces between amount and currency and (since ICU 72) a narrow one before AM/PM;
 * plain spaces read the same and keep the text identical whichever ICU the Node build carries.
 */
function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}
