import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CURRENCY_PATTERN } from '../common/money';
import { OptionalField } from '../common/optional-field.decorator';
import {
  COUPON_AMOUNT_PATTERN,
  COUPON_CODE_PATTERN,
  COUPON_KINDS,
  COUPON_LIMITS,
  COUPON_MIN_AMOUNT_PATTERN,
  COUPON_SETTABLE_STATUSES,
  type CouponKind,
  type CouponSettableStatus,
  IsCouponTime,
} from './coupon-attributes';

const CODE_MESSAGE = 'code must be 3-40 letters, digits, _ or -, starting with a letter or digit';
const CURRENCY_MESSAGE = 'currency must be a three-letter ISO 4217 code';

/** Present and not null: `null` means "none" in a PATCH (no limit, no expiry). */
const NullableField = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

/**
 * Body of admin `POST /billing/coupons`. A `percentage` coupon takes `percentBp` (basis points:
 * 2500 = 25 %) and optionally a `currency` it is limited to; a `fixed` one takes `amountMinor` and
 * `currency`. A `minAmountMinor` above 0 needs a `currency`. Cross-field rules are checked by the
 * service (400 VALIDATION_FAILED).
 */
export class CreateCouponRequest {
  @ApiProperty({ example: 'SUMMER25', pattern: COUPON_CODE_PATTERN.source, description: 'Case-insensitive' })
  @IsString()
  @Matches(COUPON_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ enum: COUPON_KINDS })
  @IsIn(COUPON_KINDS)
  kind!: CouponKind;

  @ApiPropertyOptional({
    example: 2500,
    minimum: 1,
    maximum: 10_000,
    description: 'percentage: basis points',
  })
  @OptionalField()
  @IsInt()
  @Min(COUPON_LIMITS.percentBpMin)
  @Max(COUPON_LIMITS.percentBpMax)
  percentBp?: number;

  @ApiPropertyOptional({ example: '500', description: 'fixed: the discount, integer minor units' })
  @OptionalField()
  @IsString()
  @Matches(COUPON_AMOUNT_PATTERN, { message: 'amountMinor must be an integer string from 1 to 999999999999' })
  amountMinor?: string;

  @ApiPropertyOptional({ example: 'USD', description: 'Required for fixed coupons and minimum amounts' })
  @OptionalField()
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: CURRENCY_MESSAGE })
  currency?: string;

  @ApiPropertyOptional({ example: 100, description: 'Total uses; absent for no limit' })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(COUPON_LIMITS.maxRedemptionsMax)
  maxRedemptions?: number;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'Uses per user' })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(COUPON_LIMITS.perUserLimitMax)
  perUserLimit?: number;

  @ApiPropertyOptional({
    example: '1000',
    default: '0',
    description: 'Smallest amount the coupon applies to',
  })
  @OptionalField()
  @IsString()
  @Matches(COUPON_MIN_AMOUNT_PATTERN, {
    message: 'minAmountMinor must be an integer string from 0 to 999999999999',
  })
  minAmountMinor?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @OptionalField()
  @IsCouponTime()
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Absent for no expiry; must be in the future' })
  @OptionalField()
  @IsCouponTime()
  expiresAt?: string;
}

/**
 * Body of admin `PATCH /billing/coupons/:id`: at least one field. `null` removes the total limit or
 * the expiry. The code, kind and discount never change (redemptions keep the discount they got).
 */
export class UpdateCouponRequest {
  @ApiPropertyOptional({ enum: COUPON_SETTABLE_STATUSES })
  @OptionalField()
  @IsIn(COUPON_SETTABLE_STATUSES)
  status?: CouponSettableStatus;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Never below the current count' })
  @NullableField()
  @IsInt()
  @Min(1)
  @Max(COUPON_LIMITS.maxRedemptionsMax)
  maxRedemptions?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: COUPON_LIMITS.perUserLimitMax })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(COUPON_LIMITS.perUserLimitMax)
  perUserLimit?: number;

  @ApiPropertyOptional({ example: '1000' })
  @OptionalField()
  @IsString()
  @Matches(COUPON_MIN_AMOUNT_PATTERN, {
    message: 'minAmountMinor must be an integer string from 0 to 999999999999',
  })
  minAmountMinor?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalField()
  @IsCouponTime()
  startsAt?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @NullableField()
  @IsCouponTime()
  expiresAt?: string | null;
}

/**
 * Body of `POST /billing/coupons/validate`: would this coupon apply to a payment of this amount by
 * the caller? Read-only (a checkout preview); nothing is reserved.
 */
export class ValidateCouponRequest {
  @ApiProperty({ example: 'SUMMER25' })
  @IsString()
  @Matches(COUPON_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '5000', description: 'The payment amount, integer minor units' })
  @IsString()
  @Matches(COUPON_AMOUNT_PATTERN, { message: 'amountMinor must be an integer string from 1 to 999999999999' })
  amountMinor!: string;

  @ApiProperty({ example: 'USD' })
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: CURRENCY_MESSAGE })
  currency!: string;
}
