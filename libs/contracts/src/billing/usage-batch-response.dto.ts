import { ApiProperty } from '@nestjs/swagger';
import { UsageBatchItemResult } from './usage-batch-item-result.dto';

/** Answer of `POST /billing/usage/batch`: one result per item, in request order. */
export class UsageBatchResponse {
  @ApiProperty({ type: [UsageBatchItemResult] })
  results!: UsageBatchItemResult[];
}
