import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import type { DeviceSpec } from '../device/device-spec';
import { QUOTA_FIELD_MAX } from './quota-resources.dto';

/**
 * Body of `POST /quotas/usage`: one allocation (one device) now counts against the user's quota.
 * Idempotent per allocationId: a repeated report changes nothing and answers `applied: false`.
 * Refused with 403 QUOTA_EXCEEDED when it would pass a limit (check and increment are one step).
 * The spec is one device's, but bounded by QUOTA_FIELD_MAX like every quota amount.
 */
export class QuotaUsageRequest implements DeviceSpec {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  allocationId!: string;

  @ApiProperty({ example: 4, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.cpuCores)
  cpuCores!: number;

  @ApiProperty({ example: 8192, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.memoryMb)
  memoryMb!: number;

  @ApiProperty({ example: 64, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.storageGb)
  storageGb!: number;
}
