import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /billing/balance/check`. Money: integer minor units as strings (see money.ts). */
export class BalanceCheckResponse {
  @ApiProperty({ description: 'True when balanceMinor >= requiredMinor' })
  sufficient!: boolean;

  @ApiProperty({ example: '12500', description: 'Current balance, integer minor units' })
  balanceMinor!: string;

  @ApiProperty({ example: '360', description: 'Price of the requested duration, integer minor units' })
  requiredMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;
}
