import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
import { BatchItemError } from './allocation-batch.dto';
import { DeviceResponse } from './device-response.dto';

/** Devices one batch power call may name. */
export const DEVICE_POWER_BATCH_LIMIT = 100;

/** Body of admin `POST /devices/batch/{start,stop,reboot}`. */
export class DevicePowerBatchRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: DEVICE_POWER_BATCH_LIMIT })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DEVICE_POWER_BATCH_LIMIT)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  deviceIds!: string[];
}

/** One device's outcome, in request order: `status` is what the single call would have answered. */
export class DevicePowerItemResult {
  @ApiProperty({ example: 0 })
  index!: number;

  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty({ example: 200 })
  status!: number;

  @ApiPropertyOptional({ type: DeviceResponse })
  device?: DeviceResponse;

  @ApiPropertyOptional({ type: BatchItemError })
  error?: BatchItemError;
}

export class DevicePowerBatchResponse {
  @ApiProperty({ type: [DevicePowerItemResult] })
  results!: DevicePowerItemResult[];

  @ApiProperty({ example: 3 })
  succeeded!: number;

  @ApiProperty({ example: 0 })
  failed!: number;
}
