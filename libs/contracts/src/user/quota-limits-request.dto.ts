import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { QUOTA_FIELD_MAX, type QuotaResources } from './quota-resources.dto';

/**
 * Body of admin `PUT /quotas/:userId/limits`: the user's new limits (all four). Refused with 409
 * LIMIT_BELOW_USAGE when a limit is below what the user already uses.
 */
export class QuotaLimitsRequest implements QuotaResources {
  @ApiProperty({ example: 3, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.devices)
  devices!: number;

  @ApiProperty({ example: 12, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.cpuCores)
  cpuCores!: number;

  @ApiProperty({ example: 24576, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.memoryMb)
  memoryMb!: number;

  @ApiProperty({ example: 192, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.storageGb)
  storageGb!: number;
}
