import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /billing/accounts/:userId/top-up`. Money: integer minor units as strings. */
export class TopUpResponse {
  @ApiProperty({ example: '42', description: 'Id of the ledger entry that credited the account' })
  ledgerEntryId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'pi_3NxYz2' })
  reference!: string;

  @ApiProperty({ example: '5000' })
  amountMinor!: string;

  @ApiProperty({ example: '17500', description: 'Balance right after this top-up' })
  balanceMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ description: 'True when this reference had already been applied: nothing was credited now' })
  duplicate!: boolean;
}
