import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { ALLOCATION_LIMITS } from './allocation-attributes';

/** Longest free-text `reason` an extension keeps (it is shown to the user and in audits). */
export const EXTENSION_REASON_MAX_LENGTH = 500;

/**
 * Body of `PUT /scheduler/allocations/:id/extend`. The `Idempotency-Key` header is required: a
 * resent extension must never add its minutes twice.
 */
export class ExtendAllocationRequest {
  @ApiProperty({ example: 30, minimum: 1, maximum: ALLOCATION_LIMITS.maxDurationMinutes })
  @IsInt()
  @Min(1)
  @Max(ALLOCATION_LIMITS.maxDurationMinutes)
  additionalMinutes!: number;

  @ApiPropertyOptional({ example: 'test run overran', maxLength: EXTENSION_REASON_MAX_LENGTH })
  @OptionalField()
  @IsString()
  @MaxLength(EXTENSION_REASON_MAX_LENGTH)
  reason?: string;
}
