import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { DeviceSpecFields } from '../device/device-spec';
import { BILLING_FIELD_MAX } from './billing-limits';

/**
 * Body of `POST /billing/balance/check`: would the balance pay for this device spec (one device's,
 * within DEVICE_SPEC_BOUNDS) for this long?
 */
export class BalanceCheckRequest extends DeviceSpecFields {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ example: 3600, minimum: 1, maximum: BILLING_FIELD_MAX.seconds })
  @IsInt()
  @Min(1)
  @Max(BILLING_FIELD_MAX.seconds)
  durationSeconds!: number;
}
