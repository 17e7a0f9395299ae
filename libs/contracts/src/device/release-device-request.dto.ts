import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Matches } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';

/**
 * Body of `POST /scheduler/devices/release`: exactly one of `allocationId` or `deviceId` (the clients
 * of the platform this one replaces send the device). With `fencingToken` the release only applies
 * to that claim of the device, so a stale client cannot end a newer allocation.
 */
export class ReleaseDeviceRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Give this or deviceId' })
  @OptionalField()
  @IsUUID()
  allocationId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Give this or allocationId' })
  @OptionalField()
  @IsUUID()
  deviceId?: string;

  @ApiPropertyOptional({ example: '42', description: 'The claim number the allocation was given' })
  @OptionalField()
  @IsString()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'fencingToken must be a positive integer string' })
  fencingToken?: string;
}
