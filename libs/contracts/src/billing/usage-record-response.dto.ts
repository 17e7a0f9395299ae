import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /billing/usage`. Money: integer minor units as strings (see money.ts). */
export class UsageRecordResponse {
  @ApiProperty({ format: 'uuid' })
  usageId!: string;

  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ example: '180', description: 'Amount charged for this allocation, integer minor units' })
  amountMinor!: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code of amountMinor and balanceMinor' })
  currency!: string;

  @ApiProperty({ example: '12320', description: 'Balance after the charge, integer minor units' })
  balanceMinor!: string;

  @ApiProperty({
    description: 'True when this allocation had already been recorded: nothing was charged now',
  })
  duplicate!: boolean;
}
