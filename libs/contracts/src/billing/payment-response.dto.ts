import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  PAYMENT_PROVIDERS,
  PAYMENT_STATUSES,
  type PaymentProviderKind,
  type PaymentStatus,
} from './payment-attributes';

/** A payment as `GET /billing/payments[/:id]` answer it. Money: integer minor units as strings. */
export class PaymentResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiProperty({ example: '5000', description: 'What the account is (or will be) credited' })
  amountMinor!: string;

  @ApiProperty({
    example: '4500',
    description: 'What the payer is charged: amountMinor less a coupon’s discount',
  })
  chargedMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ enum: PAYMENT_PROVIDERS })
  provider!: PaymentProviderKind;

  @ApiProperty({ nullable: true, type: String, example: 'WELCOME10' })
  couponCode!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The provider’s reason of the last failure' })
  failureCode!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  settledAt!: string | null;
}

/** Answer of `POST /billing/payments` (201): the payment, and what the payer's client needs to pay. */
export class PaymentCreateResponse extends PaymentResponse {
  @ApiPropertyOptional({
    description:
      'Stripe: the PaymentIntent’s client secret, for Stripe.js to confirm the payment. Shown once, never stored',
  })
  clientSecret?: string;
}
