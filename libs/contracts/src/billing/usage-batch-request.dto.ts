import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { USAGE_BATCH_MAX_ITEMS } from './billing-limits';
import { UsageRecordRequest } from './usage-record-request.dto';

/** Body of `POST /billing/usage/batch`: each item is recorded exactly once, independently. */
export class UsageBatchRequest {
  @ApiProperty({ type: [UsageRecordRequest], minItems: 1, maxItems: USAGE_BATCH_MAX_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USAGE_BATCH_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => UsageRecordRequest)
  items!: UsageRecordRequest[];
}
