import { ApiProperty } from '@nestjs/swagger';
import {
  IsIn,
  IsNotEmpty,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { CURRENCY_PATTERN } from '../common/money';
import { isEventTime } from '../events/event-payload-fields';

/** The services that charge accounts through `POST /billing/charges`. */
export const SERVICE_CHARGE_SOURCES = ['proxy', 'sms'] as const;
export type ServiceChargeSource = (typeof SERVICE_CHARGE_SOURCES)[number];

/** Most charges one `POST /billing/charges/batch` call may carry. */
export const SERVICE_CHARGE_BATCH_MAX_ITEMS = 100;

/**
 * The sender's idempotency key, `<kind>:<id>` (e.g. `proxy-rental:<uuid>`, `sms-code:<uuid>`): a
 * lower-case kind, a colon, then letters, digits and `._:-`. 3 to 200 characters.
 */
export const SERVICE_CHARGE_REFERENCE_PATTERN = /^[a-z][a-z0-9-]*:[A-Za-z0-9._:-]+$/;

/**
 * An amount charged: 0 to 999,999,999,999 minor units, as a decimal string without sign or leading
 * zeros. MINOR_UNITS_PATTERN (money.ts) admits negatives and 18 digits, which balances need but a
 * charge must not: this is the top-ups' bound, so no run of charges can overflow a bigint sum.
 */
export const SERVICE_CHARGE_AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})$/;

/**
 * A description shown on the user's statement: printable text with at least one visible
 * character. Control characters (NUL, line breaks, tabs, C1), format characters (bidi overrides,
 * zero-width joiners), surrogates, private-use characters and line/paragraph separators are refused,
 * so a statement cannot be garbled or spoofed.
 */
export const SERVICE_CHARGE_DESCRIPTION_PATTERN = /^(?=[\s\S]*\S)[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]+$/u;

/** Lengths, in UTF-16 code units (what JavaScript's `length` counts). */
export const SERVICE_CHARGE_FIELD_LIMITS = {
  referenceMinLength: 3,
  referenceMaxLength: 200,
  descriptionMaxLength: 200,
  tenantIdMaxLength: 128,
} as const;

// Postgres keeps timestamptz from 4713 BC to 294276 AD, but a date-time near year 1 or 9999 can
// leave the years it prints once its offset is applied; no service of the platform predates 2000.
const EARLIEST_CHARGE_TIME = Date.parse('2000-01-01T00:00:00.000Z');
const LATEST_CHARGE_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether `value` is a date-time with a zone (see isEventTime) between 2000 and the end of 9999. */
export function isServiceChargeTime(value: unknown): value is string {
  if (!isEventTime(value)) return false;
  const instant = Date.parse(value);
  return instant >= EARLIEST_CHARGE_TIME && instant <= LATEST_CHARGE_TIME;
}

function IsServiceChargeTime(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isServiceChargeTime',
      validator: {
        validate: (value) => isServiceChargeTime(value),
        defaultMessage: () =>
          '$property must be an ISO-8601 date-time with a time zone, from the year 2000 to 9999',
      },
    },
    validationOptions,
  );
}

/**
 * Body of `POST /billing/charges` (and one item of the batch): a service consumed by a user (a
 * proxy rental, an SMS code), charged to their account exactly once per `reference`. A resend with
 * the same reference, user, source, amount and currency answers the first result with
 * `duplicate: true`, so a sender may retry as often as it needs to; the same reference with any of
 * those different is refused with 409 CHARGE_CONFLICT.
 */
export class ServiceChargeRequest {
  @ApiProperty({
    example: 'proxy-rental:3f6c2a1e-8d0b-4a57-9a51-0c7e3f4b2d19',
    minLength: SERVICE_CHARGE_FIELD_LIMITS.referenceMinLength,
    maxLength: SERVICE_CHARGE_FIELD_LIMITS.referenceMaxLength,
    pattern: SERVICE_CHARGE_REFERENCE_PATTERN.source,
    description: 'The idempotency key of the charge: `<kind>:<id>` of the business fact charged',
  })
  @IsString()
  @Length(SERVICE_CHARGE_FIELD_LIMITS.referenceMinLength, SERVICE_CHARGE_FIELD_LIMITS.referenceMaxLength)
  @Matches(SERVICE_CHARGE_REFERENCE_PATTERN, {
    message: 'reference must be <kind>:<id>: a lower-case kind, a colon, then letters, digits or ._:-',
  })
  reference!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ example: 'default' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SERVICE_CHARGE_FIELD_LIMITS.tenantIdMaxLength)
  tenantId!: string;

  @ApiProperty({ enum: SERVICE_CHARGE_SOURCES })
  @IsIn(SERVICE_CHARGE_SOURCES)
  source!: ServiceChargeSource;

  @ApiProperty({
    example: 'Proxy rental, 24 h, DE residential',
    maxLength: SERVICE_CHARGE_FIELD_LIMITS.descriptionMaxLength,
    description: 'Shown to the user; printable text, no control or format characters',
  })
  @IsString()
  @Length(1, SERVICE_CHARGE_FIELD_LIMITS.descriptionMaxLength)
  @Matches(SERVICE_CHARGE_DESCRIPTION_PATTERN, {
    message: 'description must be printable text without control or format characters',
  })
  description!: string;

  @ApiProperty({
    example: '250',
    pattern: SERVICE_CHARGE_AMOUNT_PATTERN.source,
    description: 'Amount to charge, integer minor units as a decimal string (0 to 999999999999)',
  })
  @IsString()
  @Matches(SERVICE_CHARGE_AMOUNT_PATTERN, {
    message: 'amountMinor must be an integer string of minor units from 0 to 999999999999',
  })
  amountMinor!: string;

  @ApiProperty({
    example: 'USD',
    description: 'Must be the currency of the user’s account, if they have one',
  })
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: 'currency must be a three-letter ISO 4217 code' })
  currency!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T10:00:00.000Z' })
  @IsServiceChargeTime()
  occurredAt!: string;
}
