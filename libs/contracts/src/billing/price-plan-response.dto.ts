import { ApiProperty } from '@nestjs/swagger';

/** A version of a currency's price plan (`GET`/`PUT /billing/pricing`). Rates: micro-minor units per hour. */
export class PricePlanResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ example: 2, description: 'Increases by one with every change of this currency’s plan' })
  version!: number;

  @ApiProperty({ example: '2000000' })
  baseMicrosPerHour!: string;

  @ApiProperty({ example: '1500000' })
  cpuCoreMicrosPerHour!: string;

  @ApiProperty({ example: '500000' })
  memoryGbMicrosPerHour!: string;

  @ApiProperty({ example: '10000' })
  storageGbMicrosPerHour!: string;

  @ApiProperty({ format: 'date-time', description: 'Usage starting at or after this time uses this version' })
  effectiveFrom!: string;
}
