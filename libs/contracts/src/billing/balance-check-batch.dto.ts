import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { BalanceCheckRequest } from './balance-check-request.dto';
import { BalanceCheckResponse } from './balance-check-response.dto';

/** Most checks one `POST /billing/balance/check/batch` call may carry. */
export const BALANCE_CHECK_BATCH_MAX_ITEMS = 100;

/**
 * Body of `POST /billing/balance/check/batch`: several balance checks in one call (concurrent
 * allocations of one device-service replica ride together), each answered as
 * `POST /billing/balance/check` would. Read-only.
 */
export class BalanceCheckBatchRequest {
  @ApiProperty({ type: [BalanceCheckRequest], minItems: 1, maxItems: BALANCE_CHECK_BATCH_MAX_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BALANCE_CHECK_BATCH_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => BalanceCheckRequest)
  items!: BalanceCheckRequest[];
}

/** Answer of `POST /billing/balance/check/batch`: one answer per item, in request order. */
export class BalanceCheckBatchResponse {
  @ApiProperty({ type: [BalanceCheckResponse] })
  results!: BalanceCheckResponse[];
}
