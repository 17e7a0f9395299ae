import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { CURRENCY_PATTERN } from '../common/money';

/** Query of `GET /billing/pricing`; without `currency`, the service's default currency. */
export class PricePlanQuery {
  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: 'currency must be a three-letter ISO 4217 code' })
  currency?: string;
}
