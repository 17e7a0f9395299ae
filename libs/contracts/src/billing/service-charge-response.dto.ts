import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /billing/charges`. Money: integer minor units as strings (see money.ts). */
export class ServiceChargeResponse {
  @ApiProperty({ format: 'uuid', description: 'Id of the charge (the same for every resend)' })
  chargeId!: string;

  @ApiProperty({ example: 'proxy-rental:3f6c2a1e-8d0b-4a57-9a51-0c7e3f4b2d19' })
  reference!: string;

  @ApiProperty({ example: '250', description: 'Amount charged, integer minor units' })
  amountMinor!: string;

  @ApiProperty({
    example: '9750',
    description:
      'Balance right after this charge (not the balance now), integer minor units; may be negative',
  })
  balanceMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ format: 'date-time', description: 'When billing recorded the charge' })
  recordedAt!: string;

  @ApiProperty({
    description: 'True when this reference had already been charged: nothing was charged now',
  })
  duplicate!: boolean;
}
