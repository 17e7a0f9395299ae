import { isISO8601, isRFC3339, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Bounds of event payload fields. Looser than the request DTOs on purpose: a consumer that refuses
 * a value its publisher stored dead-letters a true fact, so events only refuse what no service can
 * mean (a count beyond a Postgres `integer`, a text no column holds).
 */
export const EVENT_FIELD_LIMITS = {
  /** Counts stored in Postgres `integer` columns (billed seconds). */
  intMax: 2_147_483_647,
  /** Tenant ids, regions and other short names; billing stores tenant ids as free text. */
  nameMaxLength: 128,
  /** Free-text reasons, e.g. why a device failed. */
  reasonMaxLength: 1000,
  /** A fencing token: a positive Postgres `bigint` as a decimal string. */
  fencingTokenPattern: /^[1-9]\d{0,18}$/,
} as const;

/**
 * Whether `value` is a date-time with a time zone, e.g. `2026-01-01T12:00:00.000Z` (RFC 3339, a
 * real calendar date). A date alone or a time without offset would mean midnight or local time to
 * each consumer, so both are refused.
 */
export function isEventTime(value: unknown): value is string {
  return isRFC3339(value) && isISO8601(value, { strict: true, strictSeparator: true });
}

/** Property decorator of an event time (see isEventTime). */
export function IsEventTime(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventTime',
      validator: {
        validate: (value) => isEventTime(value),
        defaultMessage: () => '$property must be an ISO-8601 date-time with a time zone',
      },
    },
    validationOptions,
  );
}
