import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AllocationEndReason } from '../events/event-payloads';
import { ALLOCATION_END_REASONS, ALLOCATION_STATUSES, type AllocationStatus } from './allocation-attributes';
import { DeviceAccessResponse } from './device-access-response.dto';
import { type DeviceSpec, DeviceSpecApiProperty } from './device-spec';

/** An allocation as every scheduler endpoint returns it. Times are ISO-8601 from the database clock. */
export class AllocationResponse implements DeviceSpec {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'default' })
  tenantId!: string;

  @ApiProperty({ enum: ALLOCATION_STATUSES })
  status!: AllocationStatus;

  @ApiProperty({
    example: '17',
    description: "The device's claim number: higher for every newer claim of it",
  })
  fencingToken!: string;

  @ApiProperty({ example: 30 })
  durationMinutes!: number;

  @ApiProperty({ example: 'eu-west-1' })
  region!: string;

  @ApiProperty({ example: '13' })
  androidVersion!: string;

  @DeviceSpecApiProperty('cpuCores')
  cpuCores!: number;

  @DeviceSpecApiProperty('memoryMb')
  memoryMb!: number;

  @DeviceSpecApiProperty('storageGb')
  storageGb!: number;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  endedAt!: string | null;

  @ApiProperty({ enum: ALLOCATION_END_REASONS, nullable: true, type: String })
  endReason!: AllocationEndReason | null;

  @ApiProperty({ example: 1800, nullable: true, type: Number, description: 'Seconds billed once ended' })
  billedSeconds!: number | null;

  @ApiProperty({
    example: '38',
    nullable: true,
    type: String,
    description: 'What billing charged (minor units), once it has confirmed the charge',
  })
  chargedAmountMinor!: string | null;

  @ApiProperty({ example: 'USD', nullable: true, type: String })
  currency!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({
    type: DeviceAccessResponse,
    description: 'How to reach the device: in the answers of allocate and GET one allocation, while active',
  })
  access?: DeviceAccessResponse;
}
