import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Matches, ValidateNested } from 'class-validator';
import { composed } from '../common/composed.decorator';
import { OptionalField } from '../common/optional-field.decorator';
import { DEVICE_FIELD_LIMITS } from './device-attributes';
import { type DeviceSpec, DeviceSpecProperty } from './device-spec';

/** What an allocation needs: minimum CPU, memory and storage, and an exact region and Android version. */
export class DeviceRequirements implements Partial<DeviceSpec> {
  @DeviceSpecProperty('cpuCores', { optional: true, description: 'At least this many cores' })
  cpuCores?: number;

  @DeviceSpecProperty('memoryMb', { optional: true, description: 'At least this much memory (MB)' })
  memoryMb?: number;

  @DeviceSpecProperty('storageGb', { optional: true, description: 'At least this much storage (GB)' })
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

/** An optional `requirements` object of a request body, validated as DeviceRequirements. */
export function RequirementsField(description?: string): PropertyDecorator {
  return composed([
    ApiPropertyOptional({ type: DeviceRequirements, description }),
    OptionalField(),
    IsObject(),
    ValidateNested(),
    Type(() => DeviceRequirements),
  ]);
}
