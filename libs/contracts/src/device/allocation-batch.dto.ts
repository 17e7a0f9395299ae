import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID, ValidateNested } from 'class-validator';
import { AllocateDeviceRequest } from './allocate-device-request.dto';
import { AllocationExtension } from './allocation-extension-response.dto';
import { AllocationResponse } from './allocation-response.dto';
import { ExtendAllocationRequest } from './extend-allocation-request.dto';
import { ReleaseDeviceRequest } from './release-device-request.dto';

/** Items one batch call may carry (§5): allocations and extensions 1–50, releases and users 1–100. */
export const ALLOCATION_BATCH_LIMITS = { allocate: 50, extend: 50, release: 100, query: 100 } as const;

/** Body of `POST /scheduler/allocations/batch`: each item as the single allocate call's body. */
export class BatchAllocateRequest {
  @ApiProperty({ type: [AllocateDeviceRequest], minItems: 1, maxItems: ALLOCATION_BATCH_LIMITS.allocate })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALLOCATION_BATCH_LIMITS.allocate)
  @ValidateNested({ each: true })
  @Type(() => AllocateDeviceRequest)
  items!: AllocateDeviceRequest[];
}

/** Body of `POST /scheduler/allocations/batch/release`: each item as the single release call's body. */
export class BatchReleaseRequest {
  @ApiProperty({ type: [ReleaseDeviceRequest], minItems: 1, maxItems: ALLOCATION_BATCH_LIMITS.release })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALLOCATION_BATCH_LIMITS.release)
  @ValidateNested({ each: true })
  @Type(() => ReleaseDeviceRequest)
  items!: ReleaseDeviceRequest[];
}

/** One extension of `POST /scheduler/allocations/batch/extend`. */
export class BatchExtendItem extends ExtendAllocationRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  allocationId!: string;
}

/** Body of `POST /scheduler/allocations/batch/extend` (the Idempotency-Key header is required). */
export class BatchExtendRequest {
  @ApiProperty({ type: [BatchExtendItem], minItems: 1, maxItems: ALLOCATION_BATCH_LIMITS.extend })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALLOCATION_BATCH_LIMITS.extend)
  @ValidateNested({ each: true })
  @Type(() => BatchExtendItem)
  items!: BatchExtendItem[];
}

/** Body of `POST /scheduler/allocations/batch/query`: whose live allocations to list. */
export class BatchQueryRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: ALLOCATION_BATCH_LIMITS.query })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALLOCATION_BATCH_LIMITS.query)
  @IsUUID(undefined, { each: true })
  userIds!: string[];
}

/** Why one item of a batch failed: what the single call would have answered. */
export class BatchItemError {
  @ApiProperty({ example: 'NO_DEVICE_AVAILABLE' })
  code!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ type: Object })
  details?: unknown;
}

/** The outcome of one item, in request order: `status` is the single call's HTTP status. */
export class BatchItemResult {
  @ApiProperty({ example: 0 })
  index!: number;

  @ApiProperty({ example: 201 })
  status!: number;

  @ApiPropertyOptional({ type: AllocationResponse })
  allocation?: AllocationResponse;

  @ApiPropertyOptional({ type: AllocationExtension, description: 'batch/extend only' })
  extension?: AllocationExtension;

  @ApiPropertyOptional({ description: 'True when the answer repeats an earlier one for the same key' })
  replayed?: boolean;

  @ApiPropertyOptional({ type: BatchItemError })
  error?: BatchItemError;
}

/** Answer of the batch allocate, release and extend calls. */
export class BatchResponse {
  @ApiProperty({ type: [BatchItemResult] })
  results!: BatchItemResult[];

  @ApiProperty({ example: 3 })
  succeeded!: number;

  @ApiProperty({ example: 1 })
  failed!: number;
}

/** One user's live allocations in `POST /scheduler/allocations/batch/query`. */
export class UserAllocations {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: [AllocationResponse] })
  allocations!: AllocationResponse[];
}

/** Answer of `POST /scheduler/allocations/batch/query`, one entry per user asked, in order. */
export class BatchQueryResponse {
  @ApiProperty({ type: [UserAllocations] })
  users!: UserAllocations[];
}
