import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsNotEmpty, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { DeviceSpecFields } from '../device/device-spec';
import { BILLING_FIELD_MAX } from './billing-limits';

/**
 * Body of `POST /billing/usage` (and one item of the batch): an allocation's usage, billed to the
 * second. Recorded and charged exactly once per allocationId; a repeat answers `duplicate: true`
 * with the first record, so a sender may retry it as often as it needs to. The spec is the allocated
 * device's (the scheduler copies it from the device), so within DEVICE_SPEC_BOUNDS.
 */
export class UsageRecordRequest extends DeviceSpecFields {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  allocationId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ example: 'default' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  tenantId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  deviceId!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T10:00:00.000Z' })
  @IsISO8601({ strict: true })
  startedAt!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T10:30:00.000Z' })
  @IsISO8601({ strict: true })
  endedAt!: string;

  @ApiProperty({ example: 1800, minimum: 0, description: 'Seconds to charge (endedAt − startedAt, or less)' })
  @IsInt()
  @Min(0)
  @Max(BILLING_FIELD_MAX.seconds)
  billedSeconds!: number;
}
