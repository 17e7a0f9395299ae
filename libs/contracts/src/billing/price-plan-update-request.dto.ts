import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CURRENCY_PATTERN } from '../common/money';
import { PRICE_RATE_PATTERN } from './billing-limits';

const RATE_MESSAGE = 'must be an integer string of micro-minor units per hour (0 to 999999999999)';

/**
 * Body of `PUT /billing/pricing` (admin): a new version of a currency's price plan, in force from
 * now. Rates are micro-minor units per hour (1,000,000 = one cent per hour for USD).
 */
export class PricePlanUpdateRequest {
  @ApiProperty({ example: 'USD' })
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: 'currency must be a three-letter ISO 4217 code' })
  currency!: string;

  @ApiProperty({ example: '2000000', description: 'Per device, whatever its spec' })
  @IsString()
  @Matches(PRICE_RATE_PATTERN, { message: `baseMicrosPerHour ${RATE_MESSAGE}` })
  baseMicrosPerHour!: string;

  @ApiProperty({ example: '1500000', description: 'Per CPU core' })
  @IsString()
  @Matches(PRICE_RATE_PATTERN, { message: `cpuCoreMicrosPerHour ${RATE_MESSAGE}` })
  cpuCoreMicrosPerHour!: string;

  @ApiProperty({ example: '500000', description: 'Per GiB of memory (1024 MB), pro rata per MB' })
  @IsString()
  @Matches(PRICE_RATE_PATTERN, { message: `memoryGbMicrosPerHour ${RATE_MESSAGE}` })
  memoryGbMicrosPerHour!: string;

  @ApiProperty({ example: '10000', description: 'Per GB of storage' })
  @IsString()
  @Matches(PRICE_RATE_PATTERN, { message: `storageGbMicrosPerHour ${RATE_MESSAGE}` })
  storageGbMicrosPerHour!: string;
}
