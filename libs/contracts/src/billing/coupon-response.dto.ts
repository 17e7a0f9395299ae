import { ApiProperty } from '@nestjs/swagger';
import { COUPON_KINDS, COUPON_STATUSES, type CouponKind, type CouponStatus } from './coupon-attributes';

/** A coupon as admins see it. Money: integer minor units as strings (see money.ts). */
export class CouponResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'SUMMER25', description: 'Upper case' }) code!: string;
  @ApiProperty({ enum: COUPON_KINDS }) kind!: CouponKind;
  @ApiProperty({ type: Number, nullable: true, description: 'percentage: basis points' })
  percentBp!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'fixed: minor units' })
  amountMinor!: string | null;
  @ApiProperty({ type: String, nullable: true }) currency!: string | null;
  @ApiProperty({ type: Number, nullable: true }) maxRedemptions!: number | null;
  @ApiProperty() perUserLimit!: number;
  @ApiProperty({ example: '0' }) minAmountMinor!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ enum: COUPON_STATUSES }) status!: CouponStatus;
  @ApiProperty({ description: 'Uses reserved or confirmed: what counts toward maxRedemptions' })
  redeemedCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** Redemptions of one coupon by status. */
export class CouponRedemptionCounts {
  @ApiProperty() reserved!: number;
  @ApiProperty() confirmed!: number;
  @ApiProperty() released!: number;
}

/** Answer of admin `GET /billing/coupons/:id`. */
export class CouponDetailResponse extends CouponResponse {
  @ApiProperty({ type: CouponRedemptionCounts }) redemptions!: CouponRedemptionCounts;
}

/** Answer of `POST /billing/coupons/validate`. */
export class CouponValidationResponse {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ example: '1250', description: 'Discount on this amount; 0 when not valid' })
  discountMinor!: string;
  @ApiProperty({ example: '3750', description: 'What the payer would pay: amount − discount' })
  chargedMinor!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'COUPON_EXPIRED',
    description: 'When not valid: the code a payment with this coupon would be refused with',
  })
  reason!: string | null;
}
