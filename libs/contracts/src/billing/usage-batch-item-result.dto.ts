import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UsageRecordResponse } from './usage-record-response.dto';

export const USAGE_BATCH_ITEM_STATUSES = ['recorded', 'duplicate', 'failed'] as const;
export type UsageBatchItemStatus = (typeof USAGE_BATCH_ITEM_STATUSES)[number];

/** The outcome of one item of a usage batch; `failed` items may be sent again later. */
export class UsageBatchItemResult {
  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ enum: USAGE_BATCH_ITEM_STATUSES })
  status!: UsageBatchItemStatus;

  @ApiPropertyOptional({ type: UsageRecordResponse, description: 'Present unless status is failed' })
  usage?: UsageRecordResponse;

  @ApiPropertyOptional({
    example: 'ACCOUNT_NOT_FOUND',
    description: 'Stable error code when status is failed',
  })
  errorCode?: string;

  @ApiPropertyOptional()
  errorMessage?: string;
}
