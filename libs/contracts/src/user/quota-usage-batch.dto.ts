import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { QuotaResources } from './quota-resources.dto';
import { QuotaUsageRequest } from './quota-usage-request.dto';

/** Most usage reports one `POST /quotas/usage/batch` call may carry. */
export const QUOTA_USAGE_BATCH_MAX_ITEMS = 100;

/**
 * Body of `POST /quotas/usage/batch`: several allocations' usage reports in one call (concurrent
 * allocations of one device-service replica ride together), each applied exactly as
 * `POST /quotas/usage` would: once per allocationId, checked and counted in one step.
 */
export class QuotaUsageBatchRequest {
  @ApiProperty({ type: [QuotaUsageRequest], minItems: 1, maxItems: QUOTA_USAGE_BATCH_MAX_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(QUOTA_USAGE_BATCH_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QuotaUsageRequest)
  items!: QuotaUsageRequest[];
}

export const QUOTA_USAGE_ITEM_STATUSES = ['applied', 'replayed', 'failed'] as const;
export type QuotaUsageItemStatus = (typeof QUOTA_USAGE_ITEM_STATUSES)[number];

/**
 * The outcome of one report of a batch. A `failed` item changed nothing and carries what
 * `POST /quotas/usage` would have answered for it alone (status, code, message, details).
 */
export class QuotaUsageItemResult {
  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ enum: QUOTA_USAGE_ITEM_STATUSES })
  status!: QuotaUsageItemStatus;

  @ApiPropertyOptional({ type: QuotaResources, description: "The user's usage after it; absent when failed" })
  usage?: QuotaResources;

  @ApiPropertyOptional({
    example: 403,
    description: 'The HTTP status the report alone would have got, when failed',
  })
  errorStatus?: number;

  @ApiPropertyOptional({ example: 'QUOTA_EXCEEDED', description: 'Stable error code when failed' })
  errorCode?: string;

  @ApiPropertyOptional()
  errorMessage?: string;

  @ApiPropertyOptional({ description: 'The error details the report alone would have got, when failed' })
  errorDetails?: Record<string, unknown> | Array<Record<string, unknown>>;
}

/** Answer of `POST /quotas/usage/batch`: one result per item, in request order. */
export class QuotaUsageBatchResponse {
  @ApiProperty({ type: [QuotaUsageItemResult] })
  results!: QuotaUsageItemResult[];
}
