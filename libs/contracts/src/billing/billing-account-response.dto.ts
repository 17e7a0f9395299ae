import { ApiProperty } from '@nestjs/swagger';

export const BILLING_ACCOUNT_STATUSES = ['active', 'overdue', 'closed'] as const;
export type BillingAccountStatus = (typeof BILLING_ACCOUNT_STATUSES)[number];

/** Answer of `GET /billing/accounts/:userId`. Money: integer minor units as strings (see money.ts). */
export class BillingAccountResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'default' })
  tenantId!: string;

  @ApiProperty({ example: '12500', description: 'Balance, integer minor units; negative when overdrawn' })
  balanceMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ enum: BILLING_ACCOUNT_STATUSES })
  status!: BillingAccountStatus;
}
