import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { ActingForUserFields } from './acting-for-user.fields';
import { ALLOCATION_LIMITS } from './allocation-attributes';
import { DeviceRequirements, RequirementsField } from './device-requirements.dto';
import { NODE_LIMITS } from './node.dto';

/**
 * Body of `POST /scheduler/devices/allocate`. The user is the caller; only an admin or a service may
 * name another `userId` (and `tenantId`). The idempotency key may come as the `Idempotency-Key`
 * header or as `idempotencyKey` here (both: they must be equal).
 */
export class AllocateDeviceRequest extends ActingForUserFields {
  @ApiProperty({ example: 30, minimum: 1, maximum: ALLOCATION_LIMITS.maxDurationMinutes })
  @IsInt()
  @Min(1)
  @Max(ALLOCATION_LIMITS.maxDurationMinutes)
  durationMinutes!: number;

  @RequirementsField()
  requirements?: DeviceRequirements;

  @ApiPropertyOptional({ example: 'order-7f3a', description: 'Same as the Idempotency-Key header' })
  @OptionalField()
  @IsString()
  @Matches(ALLOCATION_LIMITS.idempotencyKeyPattern, {
    message: 'idempotencyKey must be 1-255 visible ASCII characters without spaces',
  })
  idempotencyKey?: string;

  @ApiPropertyOptional({
    example: ['gpu', 'dedicated=team-a'],
    description: 'Node taints this allocation tolerates: a taint key, or key=value',
  })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(NODE_LIMITS.maxTaints)
  @IsString({ each: true })
  @Matches(/^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?(=[\w.-]{0,63})?$/, {
    each: true,
    message: 'each toleration must be a taint key or key=value',
  })
  tolerations?: string[];
}
