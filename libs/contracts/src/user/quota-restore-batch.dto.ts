import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { QuotaResources } from './quota-resources.dto';
import { QuotaRestoreRequest } from './quota-restore-request.dto';

/** Most restores one `POST /quotas/restore/batch` call may carry. */
export const QUOTA_RESTORE_BATCH_MAX_ITEMS = 100;

/**
 * Body of `POST /quotas/restore/batch`: several allocations' restores in one call and one
 * transaction (releases under load), each idempotent per allocationId as `POST /quotas/restore`.
 */
export class QuotaRestoreBatchRequest {
  @ApiProperty({ type: [QuotaRestoreRequest], minItems: 1, maxItems: QUOTA_RESTORE_BATCH_MAX_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(QUOTA_RESTORE_BATCH_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => QuotaRestoreRequest)
  items!: QuotaRestoreRequest[];
}

export const QUOTA_RESTORE_ITEM_STATUSES = ['applied', 'replayed', 'failed'] as const;
export type QuotaRestoreItemStatus = (typeof QUOTA_RESTORE_ITEM_STATUSES)[number];

/** The outcome of one restore of a batch; `failed` items change nothing and name why. */
export class QuotaRestoreItemResult {
  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ enum: QUOTA_RESTORE_ITEM_STATUSES })
  status!: QuotaRestoreItemStatus;

  @ApiPropertyOptional({ type: QuotaResources, description: "The user's usage after it; absent when failed" })
  usage?: QuotaResources;

  @ApiPropertyOptional({ example: 'USER_NOT_FOUND', description: 'Stable error code when status is failed' })
  errorCode?: string;

  @ApiPropertyOptional()
  errorMessage?: string;
}

/** Answer of `POST /quotas/restore/batch`: one result per item, in request order. */
export class QuotaRestoreBatchResponse {
  @ApiProperty({ type: [QuotaRestoreItemResult] })
  results!: QuotaRestoreItemResult[];
}
