import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { DEVICE_FIELD_LIMITS } from './device-attributes';

/** What an allocation needs: minimum CPU, memory and storage, and an exact region and Android version. */
export class DeviceRequirements {
  @ApiPropertyOptional({ example: 4, description: 'At least this many cores' })
  @OptionalField()
  @IsInt()
  @Min(DEVICE_FIELD_LIMITS.cpuCores.min)
  @Max(DEVICE_FIELD_LIMITS.cpuCores.max)
  cpuCores?: number;

  @ApiPropertyOptional({ example: 8192, description: 'At least this much memory (MB)' })
  @OptionalField()
  @IsInt()
  @Min(DEVICE_FIELD_LIMITS.memoryMb.min)
  @Max(DEVICE_FIELD_LIMITS.memoryMb.max)
  memoryMb?: number;

  @ApiPropertyOptional({ example: 64, description: 'At least this much storage (GB)' })
  @OptionalField()
  @IsInt()
  @Min(DEVICE_FIELD_LIMITS.storageGb.min)
  @Max(DEVICE_FIELD_LIMITS.storageGb.max)
  storageGb?: number;

  @ApiPropertyOptional({ example: 'eu-west-1' })
  @OptionalField()
  @IsString()
  @Matches(DEVICE_FIELD_LIMITS.regionPattern, { message: 'region must be lower-case letters, digits and -' })
  region?: string;

  @ApiPropertyOptional({ example: '13' })
  @OptionalField()
  @IsString()
  @Matches(DEVICE_FIELD_LIMITS.androidVersionPattern, { message: 'androidVersion must look like 13 or 12.1' })
  androidVersion?: string;
}
