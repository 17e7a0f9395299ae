import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Matches } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { DEVICE_FIELD_LIMITS } from './device-attributes';
import { DeviceSpecFields } from './device-spec';

/** Body of admin `POST /devices`: the provider creates the device, then it joins the pool. */
export class CreateDeviceRequest extends DeviceSpecFields {
  @ApiPropertyOptional({ example: 'simulated', description: 'Default: the configured DEVICE_PROVIDER' })
  @OptionalField()
  @IsString()
  @Matches(DEVICE_FIELD_LIMITS.providerPattern, {
    message: 'provider must be lower-case letters, digits and -',
  })
  provider?: string;

  @ApiProperty({ example: 'eu-west-1' })
  @IsString()
  @Matches(DEVICE_FIELD_LIMITS.regionPattern, { message: 'region must be lower-case letters, digits and -' })
  region!: string;

  @ApiProperty({ example: '13' })
  @IsString()
  @Matches(DEVICE_FIELD_LIMITS.androidVersionPattern, { message: 'androidVersion must look like 13 or 12.1' })
  androidVersion!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The node (host) it runs on: same region, schedulable, with room',
  })
  @OptionalField()
  @IsUUID()
  nodeId?: string;
}
