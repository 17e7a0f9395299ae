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

/** An item of `GET /billing/accounts`: the account row, with its id and timestamps. */
export class BillingAccountListItem extends BillingAccountResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}
