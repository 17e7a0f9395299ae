import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { QUOTA_FIELD_MAX, type QuotaResources } from './quota-resources.dto';

/** Body of `POST /quotas/check`: what the caller is about to add to the user's usage. */
export class QuotaCheckRequest implements QuotaResources {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ description: 'Devices to add (1 for a single allocation)', example: 1, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUOTA_FIELD_MAX.devices)
  devices!: number;

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
